// Scripts that run inside the Devices page. Plain JavaScript text: bench/ and e2e/ are typed for Node
// only (no DOM globals), and Playwright takes a script as text as readily as a function.

/**
 * Before the app's scripts: `window.firstRowMs` resolves with performance.now() (from navigation start)
 * at the first frame showing a device row, `window.firstHeadingMs` at the first frame showing the view's heading.
 */
export const WATCH_FIRST_ROW = `
window.firstRowMs = new Promise((resolve) => {
  const check = () => {
    if (document.querySelector('tr[data-device-id]') !== null) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});
window.firstHeadingMs = new Promise((resolve) => {
  const check = () => {
    if (document.querySelector('h1') !== null) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});`;

export const COUNT_TABLE_ROWS = `document.querySelectorAll('table tbody tr').length`;

export const SCROLL_TO_MIDDLE = `(() => {
  const viewport = document.querySelector('[data-virtual-viewport]');
  viewport.scrollTop = viewport.scrollHeight / 2;
})()`;

export const MID_LIST_ROWS_LOADED = `document.querySelectorAll('tr[data-pending]').length === 0 &&
  document.querySelector('tr[data-device-id]') !== null &&
  document.querySelector('[data-virtual-viewport]').scrollTop > 0`;

/**
 * Arms `window.filterMs`: from the next input or change event to the first frame where the count label
 * starts with `expected of`, no row is still loading, and (for a search) every row shows the needle.
 */
export function armFilterWatch(needle: string | null, expected: number): string {
  return `
window.filterMs = new Promise((resolve) => {
  const needle = ${JSON.stringify(needle)};
  const expected = ${JSON.stringify(`${expected} of `)};
  let startMs = null;
  const mark = () => { if (startMs === null) startMs = performance.now(); };
  document.addEventListener('input', mark, { capture: true, once: true });
  document.addEventListener('change', mark, { capture: true, once: true });
  const check = () => {
    const rows = [...document.querySelectorAll('tr[data-device-id]')];
    const isShown = startMs !== null &&
      document.querySelector('tr[data-pending]') === null &&
      rows.length > 0 &&
      [...document.querySelectorAll('p[aria-live]')].some((label) => (label.textContent ?? '').startsWith(expected)) &&
      (needle === null || rows.every((row) => (row.textContent ?? '').includes(needle)));
    if (isShown) resolve(performance.now() - startMs);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});
// Evaluates to nothing: returning the promise would make page.evaluate wait for it.
undefined;`;
}
