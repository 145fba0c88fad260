// Hash routes (#/home, #/round, #/check/<draft id>, #/asset/<id>, #/scan, #/settings): the
// service worker serves one page, so every route works offline.
const routes = [];
// Screens draw after awaiting IndexedDB, so two renders in flight could finish out of order
// (home repainting after a sync would cover the scan screen the user just opened). Renders run
// one at a time, each for the hash current when it starts: the last one always wins.
let renders = Promise.resolve();

export function route(pattern, render) {
  routes.push({ pattern, render });
}

export function go(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

async function renderCurrentHash() {
  const path = location.hash.slice(1) || '/home';
  for (const { pattern, render: renderRoute } of routes) {
    const match = path.match(pattern);
    if (match) return renderRoute(...match.slice(1));
  }
  // Not awaited: it queues the home screen behind this render.
  go('/home');
  return undefined;
}

export function render() {
  renders = renders.then(renderCurrentHash).catch((error) => console.error('render failed', error));
  return renders;
}

export function startRouter() {
  window.addEventListener('hashchange', render);
  return render();
}
