// Lantern: the first two bridge calls start as soon as the page does, so the workstation
// answers while the main bundle is still being parsed and run. A classic script (CSP
// script-src 'self') before the module bundle; renderer/src/main.tsx takes the answers
// from window.__lanternEarly. Loaded with `defer`, so it is fetched in parallel with the
// bundle and still runs before it (document order). Without a bridge it does nothing.
// The workspace test and the first-page request mirror showsWorkspace and firstPageInput
// (renderer/src/app/startRules.ts); tests/unit/renderer-early.test.ts checks they agree.
(function () {
  var bridge = window.lantern;
  if (!bridge || typeof bridge.invoke !== 'function') return;
  var early = { sessionInfo: bridge.invoke('session.info', {}) };
  early.firstPage = early.sessionInfo.then(function (r) {
    var v = r && r.ok ? r.value : null;
    if (!v || (v.mode === 'hub' && !v.user) || v.locked) return null;
    return bridge.invoke('conversations.list', { filter: {}, limit: 100, offset: 0 });
  });
  window.__lanternEarly = early;
})();
