// A tiny element builder: h('button', {class: 'big', onclick}, 'text', child).
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replace the main view and move focus to its heading (for screen readers and keyboards). */
export function show(view) {
  const main = document.getElementById('main');
  main.replaceChildren(view);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

export function toast(message) {
  const region = document.getElementById('toast');
  region.textContent = message;
  region.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    region.hidden = true;
  }, 3500);
}

/** Tell the sync bar and home that local data changed. */
export function notifyChanged() {
  window.dispatchEvent(new CustomEvent('roundbook:changed'));
}

export function formatTime(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleString(document.documentElement.lang || 'zh-CN', {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
