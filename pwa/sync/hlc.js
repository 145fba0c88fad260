// Hybrid logical clock, as docs/sync-protocol.md: "<wall_ms 18 digits>-<counter 4 digits>-<node>".
// String order is clock order, so the server can compare without parsing.

export function formatHlc(wallMs, counter, node) {
  return `${String(wallMs).padStart(18, '0')}-${String(counter).padStart(4, '0')}-${node}`;
}

export function parseHlc(hlc) {
  if (!hlc) return { wallMs: 0, counter: 0 };
  const [wall, counter] = hlc.split('-');
  return { wallMs: Number(wall), counter: Number(counter) };
}

/** The next clock value for a local edit: never behind the last one, even if the phone's clock went back. */
export function tick(lastHlc, nowMs, node) {
  const last = parseHlc(lastHlc);
  if (nowMs > last.wallMs) return formatHlc(nowMs, 0, node);
  return formatHlc(last.wallMs, last.counter + 1, node);
}

/** Move the clock past a value seen from elsewhere, so the next edit is after it. */
export function receive(lastHlc, seenHlc, nowMs, node) {
  const last = parseHlc(lastHlc);
  const seen = parseHlc(seenHlc);
  const wallMs = Math.max(last.wallMs, seen.wallMs, nowMs);
  let counter = 0;
  if (wallMs === last.wallMs && wallMs === seen.wallMs) counter = Math.max(last.counter, seen.counter) + 1;
  else if (wallMs === last.wallMs) counter = last.counter + 1;
  else if (wallMs === seen.wallMs) counter = seen.counter + 1;
  return formatHlc(wallMs, counter, node);
}
