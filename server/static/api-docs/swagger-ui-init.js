// Starts Swagger UI at /api/docs (server/templates/swagger_ui.html). A file rather than
// flask-smorest's inline script, so the page's Content-Security-Policy needs no 'unsafe-inline'.
window.addEventListener('load', function () {
  var container = document.getElementById('swagger-ui-container');
  var config = {
    url: container.dataset.specUrl,
    dom_id: '#swagger-ui-container',
    // No badge fetched from validator.swagger.io: the hospital network may have no internet,
    // the policy allows no other origin, and the API description is not for a public service.
    validatorUrl: null,
  };
  // OPENAPI_SWAGGER_UI_CONFIG, when set, overrides these.
  Object.assign(config, JSON.parse(container.dataset.config || '{}'));
  window.ui = SwaggerUIBundle(config);
});
