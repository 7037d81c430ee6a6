/**
 * xterm.js styles itself with `<style>` elements it fills via textContent (theme
 * colours, cell sizes, scrollbar). Our CSP (`style-src 'self'`, no 'unsafe-inline')
 * blocks those, and each one logs a CSP violation. While a terminal is open, a
 * `<style>` that script creates becomes an inert `<template>` whose text goes into a
 * constructed stylesheet (`document.adoptedStyleSheets`) instead: CSSOM, which the
 * CSP permits to script anyway. Markup injection gains nothing from this — `<style>`
 * parsed from HTML is still blocked — and the CSP stays as strict as it was.
 */

let installs = 0;
let original: Document['createElement'] | null = null;

function cspSafeStyle(doc: Document, create: Document['createElement']): HTMLElement {
  const el = create.call(doc, 'template');
  const sheet = new CSSStyleSheet();
  let text = '';
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  const set = (value: unknown) => {
    text = value === null || value === undefined ? '' : String(value);
    sheet.replaceSync(text);
  };
  Object.defineProperty(el, 'textContent', { get: () => text, set, configurable: true });
  Object.defineProperty(el, 'innerText', { get: () => text, set, configurable: true });
  Object.defineProperty(el, 'sheet', { get: () => sheet, configurable: true });
  const remove = el.remove.bind(el);
  el.remove = () => {
    remove();
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  return el;
}

/** Reference-counted: returns the uninstall function. Uninstall after the terminal is disposed. */
export function installCspSafeStyles(doc: Document = document): () => void {
  if (installs++ === 0) {
    const create = doc.createElement;
    original = create;
    doc.createElement = function createElement(this: Document, tagName: string, options?: ElementCreationOptions) {
      if (typeof tagName === 'string' && tagName.toLowerCase() === 'style') return cspSafeStyle(doc, create);
      return create.call(doc, tagName, options);
    } as Document['createElement'];
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installs === 0 && original) {
      doc.createElement = original;
      original = null;
    }
  };
}
