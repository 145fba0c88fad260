// Hash routes (#/home, #/round, #/check/<draft id>, #/asset/<id>, #/scan, #/settings): the
// service worker serves one page, so every route works offline.
const routes = [];

export function route(pattern, render) {
  routes.push({ pattern, render });
}

export function go(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

export async function render() {
  const path = location.hash.slice(1) || '/home';
  for (const { pattern, render: renderRoute } of routes) {
    const match = path.match(pattern);
    if (match) return renderRoute(...match.slice(1));
  }
  return go('/home');
}

export function startRouter() {
  window.addEventListener('hashchange', render);
  return render();
}
