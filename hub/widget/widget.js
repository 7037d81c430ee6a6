/* global window, document, FileReader */
// @ts-check
/**
 * Lantern web chat widget — a dependency-free ES module served by the hub at
 * /widget/widget.js. Embed it on the hospital's site:
 *
 *   <script type="module" src="https://hub.example/widget/widget.js" data-lantern-widget data-lang="zh-CN"></script>
 *
 * or `import { mount } from 'https://hub.example/widget/widget.js'; mount({ lang: 'en', open: true })`.
 *
 * Delivery guarantees (see hub/channels/webchat/protocol.ts): every message the
 * patient sends is kept in localStorage with a client id until the hub acks it,
 * and is resent after each reconnect (the hub de-duplicates). Agent messages are
 * acknowledged back and de-duplicated here by id. The anonymous visitor id (with
 * the hub's signature) survives reloads in localStorage.
 */

const STORE_KEY = 'lantern.widget.v1';
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_TEXT = 2000;

const TEXT = {
  'zh-CN': {
    launcher: '在线咨询',
    title: '在线咨询',
    subtitle: '工作人员会尽快回复您',
    placeholder: '请输入您的问题…',
    send: '发送',
    image: '发送图片',
    close: '关闭',
    name: '您的称呼（可选）',
    phone: '手机号（可选，便于回访）',
    start: '开始咨询',
    skip: '跳过',
    typing: '对方正在输入…',
    connecting: '正在连接…',
    online: '已连接',
    offline: '网络断开，正在重连；消息会在恢复后自动发送',
    pending: '发送中',
    sent: '已发送',
    agent: '工作人员',
    you: '我',
    imageLabel: '[图片]',
    badImage: '只能发送 PNG、JPEG 或 WebP 图片',
    bigImage: '图片不能超过 5 MB',
    uploadFailed: '图片上传失败，请重试',
    tooLong: '消息过长（最多 2000 字）',
    privacy: '请勿在此填写身份证号等敏感信息。急症请拨打 120。',
    rateCsat: '服务评分',
    rateNps: '推荐意愿',
    csatLow: '非常不满意',
    csatHigh: '非常满意',
    npsLow: '完全不会',
    npsHigh: '非常愿意',
    score: '分',
    rated: '感谢您的评价',
    rateClosed: '本次评价已结束',
  },
  en: {
    launcher: 'Chat with us',
    title: 'Chat with us',
    subtitle: 'Our staff will reply as soon as possible',
    placeholder: 'Type your question…',
    send: 'Send',
    image: 'Send an image',
    close: 'Close',
    name: 'Your name (optional)',
    phone: 'Mobile number (optional, for follow-up)',
    start: 'Start',
    skip: 'Skip',
    typing: 'Typing…',
    connecting: 'Connecting…',
    online: 'Connected',
    offline: 'Offline, reconnecting; your messages will be sent when the connection is back',
    pending: 'Sending',
    sent: 'Sent',
    agent: 'Staff',
    you: 'You',
    imageLabel: '[Image]',
    badImage: 'Only PNG, JPEG or WebP images',
    bigImage: 'Images must be 5 MB or smaller',
    uploadFailed: 'The image could not be uploaded; please retry',
    tooLong: 'Message too long (2000 characters at most)',
    privacy: 'Do not enter ID numbers or other sensitive data here. In an emergency call 120.',
    rateCsat: 'Rate our service',
    rateNps: 'How likely are you to recommend us',
    csatLow: 'Very dissatisfied',
    csatHigh: 'Very satisfied',
    npsLow: 'Not at all likely',
    npsHigh: 'Extremely likely',
    score: 'points',
    rated: 'Thank you for your rating',
    rateClosed: 'This survey has closed',
  },
};

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif; }
.launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; border: 0; border-radius: 24px; padding: 12px 18px; background: #0f6e5c; color: #fff; font-size: 15px; box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; }
.launcher:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #f5b700; outline-offset: 2px; }
.panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483001; width: min(380px, calc(100vw - 32px)); height: min(600px, calc(100vh - 32px)); display: flex; flex-direction: column; background: #fff; color: #1b1f23; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.28); overflow: hidden; }
.panel[hidden], .launcher[hidden], .intro[hidden], .typing[hidden] { display: none; }
@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; height: 100dvh; border-radius: 0; } }
header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #0f6e5c; color: #fff; }
header .t { flex: 1; min-width: 0; }
header h2 { margin: 0; font-size: 16px; font-weight: 600; }
header p { margin: 2px 0 0; font-size: 12px; opacity: .85; }
header button { border: 0; background: transparent; color: #fff; font-size: 22px; line-height: 1; cursor: pointer; padding: 4px 8px; }
.status { font-size: 12px; padding: 4px 14px; background: #eef6f4; color: #2f5d53; }
.status.off { background: #fff4e5; color: #8a4b00; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f6f7f9; overscroll-behavior: contain; }
.msg { max-width: 82%; display: flex; flex-direction: column; gap: 2px; }
.msg.me { align-self: flex-end; align-items: flex-end; }
.msg.them { align-self: flex-start; align-items: flex-start; }
.bubble { padding: 8px 11px; border-radius: 12px; font-size: 15px; line-height: 1.45; white-space: pre-wrap; word-break: break-word; }
.me .bubble { background: #0f6e5c; color: #fff; border-bottom-right-radius: 4px; }
.them .bubble { background: #fff; color: #1b1f23; border: 1px solid #dde1e6; border-bottom-left-radius: 4px; }
.bubble img { display: block; min-width: 64px; min-height: 48px; max-width: 220px; max-height: 220px; object-fit: cover; border-radius: 8px; background: #fff; }
.bubble a.file { display: inline-flex; gap: 4px; align-items: center; margin-top: 4px; color: inherit; text-decoration: underline; word-break: break-all; }
.bubble a.file svg { width: 18px; height: 18px; flex: none; }
.bubble a.pic { display: block; margin-top: 4px; }
.meta { font-size: 11px; color: #68707a; }
.typing { font-size: 12px; color: #68707a; padding: 0 14px 4px; background: #f6f7f9; }
.intro { padding: 12px 14px; display: flex; flex-direction: column; gap: 8px; border-bottom: 1px solid #e4e7eb; }
.intro input { width: 100%; padding: 9px 10px; font-size: 15px; border: 1px solid #c5ccd3; border-radius: 8px; }
.intro .row { display: flex; gap: 8px; }
.note { font-size: 11px; color: #68707a; padding: 6px 14px 0; }
.error { font-size: 12px; color: #b00020; padding: 4px 14px 0; min-height: 0; }
form.compose { display: flex; align-items: flex-end; gap: 6px; padding: 10px; border-top: 1px solid #e4e7eb; background: #fff; }
form.compose textarea { flex: 1; min-width: 0; resize: none; height: 42px; max-height: 120px; padding: 10px; font-size: 16px; border: 1px solid #c5ccd3; border-radius: 10px; }
button.primary { border: 0; border-radius: 10px; padding: 0 14px; height: 42px; background: #0f6e5c; color: #fff; font-size: 15px; cursor: pointer; }
button.secondary { border: 1px solid #c5ccd3; border-radius: 10px; padding: 0 12px; height: 42px; background: #fff; color: #1b1f23; font-size: 15px; cursor: pointer; }
button.icon { border: 1px solid #c5ccd3; border-radius: 10px; width: 42px; height: 42px; background: #fff; color: #0f6e5c; cursor: pointer; flex: none; display: inline-flex; align-items: center; justify-content: center; padding: 0; }
button.icon svg { width: 22px; height: 22px; }
.rating { display: flex; flex-direction: column; gap: 4px; margin-top: 4px; max-width: 100%; }
.rating .scores { display: flex; flex-wrap: wrap; gap: 4px; }
.rating button { min-width: 34px; height: 34px; padding: 0 6px; border: 1px solid #0f6e5c; border-radius: 8px; background: #fff; color: #0f6e5c; font-size: 15px; cursor: pointer; }
.rating button[aria-pressed="true"] { background: #0f6e5c; color: #fff; }
.rating button:disabled { cursor: default; }
.rating button:disabled:not([aria-pressed="true"]) { border-color: #c5ccd3; color: #68707a; }
.rating .ends { display: flex; justify-content: space-between; gap: 8px; font-size: 11px; color: #68707a; }
.rating .done { font-size: 12px; color: #2f5d53; }
`;

/** @param {string} s */
function detectLang(s) {
  return /^en/i.test(s) ? 'en' : 'zh-CN';
}

function loadState() {
  try {
    const raw = localStorage.getItem(STORE_KEY);
    const s = raw ? JSON.parse(raw) : null;
    if (s && typeof s === 'object') return { token: s.token ?? null, name: s.name ?? '', phone: s.phone ?? '', introDone: !!s.introDone, pending: Array.isArray(s.pending) ? s.pending : [], seen: Array.isArray(s.seen) ? s.seen : [], rated: s.rated && typeof s.rated === 'object' && !Array.isArray(s.rated) ? s.rated : {} };
  } catch {
    /* private mode or corrupt: start fresh */
  }
  return { token: null, name: '', phone: '', introDone: false, pending: [], seen: [], rated: /** @type {Record<string, number>} */ ({}) };
}

/** @param {ReturnType<typeof loadState>} s */
function saveState(s) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify({ ...s, seen: s.seen.slice(-300) }));
  } catch {
    /* storage full or blocked: delivery still works while the page is open */
  }
}

function newCid() {
  const r = new Uint8Array(8);
  (globalThis.crypto ?? window.crypto).getRandomValues(r);
  return `c${Date.now().toString(36)}${Array.from(r, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** @param {Uint8Array} b */
function sniff(b) {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && String.fromCharCode(b[0], b[1], b[2], b[3]) === 'RIFF' && String.fromCharCode(b[8], b[9], b[10], b[11]) === 'WEBP') return 'image/webp';
  return null;
}

/** @param {File} f @returns {Promise<Uint8Array>} */
function readBytes(f) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(/** @type {ArrayBuffer} */ (r.result)));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(f);
  });
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/**
 * A decorative SVG icon (no icon font, no emoji: both may be missing on hospital PCs).
 * @param {[string, Record<string, string>][]} shapes
 */
function svgIcon(shapes) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const [tag, attrs] of shapes) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.append(e);
  }
  return svg;
}

/** A picture icon (the image button). */
function pictureIcon() {
  return svgIcon([
    ['rect', { x: '3', y: '4', width: '18', height: '16', rx: '2', fill: 'none', stroke: 'currentColor', 'stroke-width': '2' }],
    ['circle', { cx: '9', cy: '10', r: '2', fill: 'currentColor' }],
    ['path', { d: 'M4 18l5-5 3 3 3-4 5 6', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linejoin': 'round' }],
  ]);
}

/** A document icon (a file link). */
function documentIcon() {
  return svgIcon([
    ['path', { d: 'M6 2.5h8l5 5v14H6z', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linejoin': 'round' }],
    ['path', { d: 'M14 2.5v5h5M9 13h7M9 17h7', fill: 'none', stroke: 'currentColor', 'stroke-width': '2' }],
  ]);
}

/**
 * Mounts the widget.
 * @param {{ hub?: string; lang?: string; open?: boolean; title?: string; target?: HTMLElement }} [opts]
 */
export function mount(opts = {}) {
  const hub = (opts.hub ?? new URL('..', import.meta.url).href).replace(/\/$/, '');
  const lang = detectLang(opts.lang ?? navigator.language ?? 'zh-CN');
  const t = TEXT[lang];
  const state = loadState();
  const seen = new Set(state.seen);
  /** @type {Map<string, HTMLElement>} */
  const pendingEls = new Map();
  /** @type {Map<string, string>} */
  const localImages = new Map();

  const host = el('div', { 'data-lantern-widget-host': '' });
  (opts.target ?? document.body).append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.append(el('style', {}, [CSS]));

  const launcher = el('button', { class: 'launcher', type: 'button', 'data-testid': 'lw-launcher', 'aria-haspopup': 'dialog' }, [t.launcher]);
  const panel = el('section', { class: 'panel', role: 'dialog', 'aria-label': opts.title ?? t.title, 'data-testid': 'lw-panel', lang });
  panel.hidden = true;
  const closeBtn = el('button', { type: 'button', 'aria-label': t.close, 'data-testid': 'lw-close' }, ['×']);
  panel.append(el('header', {}, [el('div', { class: 't' }, [el('h2', {}, [opts.title ?? t.title]), el('p', {}, [t.subtitle])]), closeBtn]));
  const status = el('div', { class: 'status off', role: 'status', 'data-testid': 'lw-status' }, [t.connecting]);
  panel.append(status);

  const nameIn = /** @type {HTMLInputElement} */ (el('input', { type: 'text', maxlength: '60', autocomplete: 'name', placeholder: t.name, 'aria-label': t.name, 'data-testid': 'lw-name' }));
  const phoneIn = /** @type {HTMLInputElement} */ (el('input', { type: 'tel', maxlength: '20', autocomplete: 'tel', placeholder: t.phone, 'aria-label': t.phone, 'data-testid': 'lw-phone' }));
  nameIn.value = state.name;
  phoneIn.value = state.phone;
  const startBtn = el('button', { type: 'button', class: 'primary', 'data-testid': 'lw-start' }, [t.start]);
  const skipBtn = el('button', { type: 'button', class: 'secondary', 'data-testid': 'lw-skip' }, [t.skip]);
  const intro = el('div', { class: 'intro', 'data-testid': 'lw-intro' }, [nameIn, phoneIn, el('div', { class: 'row' }, [startBtn, skipBtn])]);
  intro.hidden = state.introDone;
  panel.append(intro);

  const log = el('div', { class: 'log', 'aria-live': 'polite', 'data-testid': 'lw-log' });
  const typing = el('div', { class: 'typing', 'data-testid': 'lw-typing' }, [t.typing]);
  typing.hidden = true;
  const error = el('div', { class: 'error', role: 'alert', 'data-testid': 'lw-error' });
  const input = /** @type {HTMLTextAreaElement} */ (el('textarea', { rows: '1', maxlength: String(MAX_TEXT), placeholder: t.placeholder, 'aria-label': t.placeholder, 'data-testid': 'lw-input', enterkeyhint: 'send' }));
  const file = /** @type {HTMLInputElement} */ (el('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', hidden: '', 'data-testid': 'lw-file' }));
  const imgBtn = el('button', { type: 'button', class: 'icon', 'aria-label': t.image, title: t.image, 'data-testid': 'lw-image' }, [pictureIcon()]);
  const sendBtn = el('button', { type: 'submit', class: 'primary', 'data-testid': 'lw-send' }, [t.send]);
  const form = el('form', { class: 'compose' }, [imgBtn, file, input, sendBtn]);
  panel.append(log, typing, el('div', { class: 'note' }, [t.privacy]), error, form);
  root.append(launcher, panel);

  /** @type {WebSocket | null} */
  let ws = null;
  let ready = false;
  let attempt = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let retryTimer = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let typingTimer = null;
  let lastTypingSent = 0;

  const setStatus = (/** @type {boolean} */ on) => {
    status.textContent = on ? t.online : ready || attempt > 0 ? t.offline : t.connecting;
    status.className = on ? 'status' : 'status off';
    status.setAttribute('data-state', on ? 'online' : 'offline');
  };
  const scroll = () => {
    log.scrollTop = log.scrollHeight;
  };
  const fileUrl = (/** @type {string} */ id) => `${hub}/widget/attachments/${encodeURIComponent(id)}?token=${encodeURIComponent(state.token ?? '')}`;
  const sizeText = (/** @type {number} */ n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  const fmt = (/** @type {number} */ at) => new Date(at).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });

  /**
   * The rating card under a survey message: one button per score; a click sends the
   * score as the patient's message with `survey: {id, score}` (hub/channels/webchat/protocol.ts).
   * @param {{ id: string; kind: string; min: number; max: number; score: number | null; open: boolean }} card
   */
  const ratingCard = (card) => {
    const nps = card.kind === 'nps';
    const box = el('div', { class: 'rating', role: 'group', 'aria-label': nps ? t.rateNps : t.rateCsat, 'data-testid': 'lw-rating', 'data-survey': card.id });
    const scores = el('div', { class: 'scores' });
    const note = el('div', { class: 'done', 'data-testid': 'lw-rating-note' });
    const chosen = card.score ?? state.rated[card.id] ?? null;
    /** @type {HTMLButtonElement[]} */
    const buttons = [];
    const settle = (/** @type {number | null} */ score, /** @type {string} */ text) => {
      for (const b of buttons) {
        b.disabled = true;
        b.setAttribute('aria-pressed', String(Number(b.value) === score));
      }
      note.textContent = text;
    };
    for (let n = card.min; n <= card.max; n++) {
      const b = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', value: String(n), 'aria-pressed': 'false', 'aria-label': `${n} ${t.score}`, 'data-testid': 'lw-rate' }, [String(n)]));
      b.addEventListener('click', () => {
        settle(n, t.rated);
        state.rated[card.id] = n;
        saveState(state);
        queue({ text: String(n), survey: { id: card.id, score: n } });
      });
      buttons.push(b);
      scores.append(b);
    }
    box.append(scores, el('div', { class: 'ends' }, [el('span', {}, [`${card.min} = ${nps ? t.npsLow : t.csatLow}`]), el('span', {}, [`${card.max} = ${nps ? t.npsHigh : t.csatHigh}`])]), note);
    if (chosen !== null) settle(chosen, t.rated);
    else if (!card.open) settle(null, t.rateClosed);
    return box;
  };

  /**
   * @param {{ id?: string; cid?: string; from: 'visitor' | 'agent'; text: string; at: number; kind?: string; name?: string | null; pending?: boolean; image?: string; survey?: { id: string; kind: string; min: number; max: number; score: number | null; open: boolean }; files?: { id: string; name: string; mime: string; size: number }[] }} m
   */
  const render = (m) => {
    const bubble = el('div', { class: 'bubble' });
    const files = Array.isArray(m.files) ? m.files : [];
    if (m.image) bubble.append(el('img', { src: m.image, alt: t.imageLabel }));
    else if (m.kind === 'image' && !files.length) bubble.append(t.imageLabel);
    else {
      // The hub's text of a message with files ends in one line per file (`[图片] name … /attachments/<id>`): the files show instead.
      const text = files.length ? m.text.split('\n').filter((line) => !files.some((f) => line.endsWith(`/attachments/${f.id}`))).join('\n') : m.text;
      if (text) bubble.append(text);
    }
    // Files from the hub: images inline, other files (PDF) as a download link.
    for (const f of m.image ? [] : files) {
      const href = fileUrl(f.id);
      if (/^image\/(png|jpeg|webp)$/.test(f.mime)) bubble.append(el('a', { class: 'pic', href, target: '_blank', rel: 'noopener', 'data-testid': 'lw-file-image' }, [el('img', { src: href, alt: f.name })]));
      else bubble.append(el('a', { class: 'file', href, download: f.name, target: '_blank', rel: 'noopener', 'data-testid': 'lw-file-link' }, [documentIcon(), `${f.name} (${sizeText(f.size)})`]));
    }
    const metaText = m.from === 'agent' ? `${m.name || t.agent} · ${fmt(m.at)}` : `${fmt(m.at)} · ${m.pending ? t.pending : t.sent}`;
    const meta = el('div', { class: 'meta' }, [metaText]);
    const row = el('div', { class: `msg ${m.from === 'visitor' ? 'me' : 'them'}`, 'data-testid': m.from === 'visitor' ? 'lw-msg-visitor' : 'lw-msg-agent', 'data-state': m.pending ? 'pending' : 'sent' }, m.survey ? [bubble, ratingCard(m.survey), meta] : [bubble, meta]);
    if (m.id) row.setAttribute('data-id', m.id);
    log.append(row);
    if (m.cid && m.pending) pendingEls.set(m.cid, row);
    scroll();
    return row;
  };

  const send = (/** @type {unknown} */ frame) => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };
  const flushPending = () => {
    if (!ready) return;
    for (const p of state.pending) send({ t: 'msg', cid: p.cid, ...(p.text ? { text: p.text } : {}), ...(p.attachmentId ? { attachmentId: p.attachmentId } : {}), ...(p.survey ? { survey: p.survey } : {}) });
  };

  const connect = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const url = `${hub.replace(/^http/, 'ws')}/widget/ws`;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      const hello = { t: 'hello', lang, ...(state.token ? { token: state.token } : {}), ...(state.name ? { name: state.name } : {}), ...(state.phone ? { phone: state.phone } : {}) };
      sock.send(JSON.stringify(hello));
    };
    sock.onmessage = (ev) => {
      let f;
      try {
        f = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (f.t === 'welcome') {
        attempt = 0;
        ready = true;
        state.token = f.token;
        saveState(state);
        setStatus(true);
        log.replaceChildren();
        pendingEls.clear();
        for (const h of f.history) {
          if (h.from === 'agent') seen.add(h.id);
          render({ ...h, image: localImages.get(h.id) });
        }
        for (const p of state.pending) render({ cid: p.cid, from: 'visitor', text: p.text ?? '', at: p.at, kind: p.attachmentId ? 'image' : 'text', pending: true, image: p.attachmentId ? localImages.get(p.cid) : undefined });
        flushPending();
      } else if (f.t === 'ack') {
        const i = state.pending.findIndex((/** @type {{cid: string}} */ p) => p.cid === f.cid);
        if (i >= 0) {
          state.pending.splice(i, 1);
          saveState(state);
        }
        const row = pendingEls.get(f.cid);
        if (row) {
          row.setAttribute('data-state', 'sent');
          row.setAttribute('data-id', f.id);
          const meta = row.querySelector('.meta');
          if (meta) meta.textContent = meta.textContent.replace(t.pending, t.sent);
          pendingEls.delete(f.cid);
          const img = localImages.get(f.cid);
          if (img) localImages.set(f.id, img);
        }
      } else if (f.t === 'msg') {
        send({ t: 'ack', id: f.id });
        if (seen.has(f.id)) return;
        seen.add(f.id);
        state.seen = [...seen];
        saveState(state);
        typing.hidden = true;
        render({ id: f.id, from: 'agent', text: f.text, at: f.at, name: f.name, survey: f.survey, files: f.files });
      } else if (f.t === 'typing') {
        typing.hidden = false;
        if (typingTimer) clearTimeout(typingTimer);
        typingTimer = setTimeout(() => {
          typing.hidden = true;
        }, 5000);
      } else if (f.t === 'error') {
        if (f.cid) {
          // A refused message (too long, bad attachment) is not retried forever.
          state.pending = state.pending.filter((/** @type {{cid: string}} */ p) => p.cid !== f.cid);
          saveState(state);
          pendingEls.get(f.cid)?.setAttribute('data-state', 'failed');
        }
        error.textContent = String(f.message ?? '');
      }
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ready = false;
      ws = null;
      attempt += 1;
      setStatus(false);
      const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
      retryTimer = setTimeout(connect, delay);
    };
    sock.onerror = () => sock.close();
  };

  const queue = (/** @type {{ text?: string; attachmentId?: string; survey?: { id: string; score: number } }} */ m, /** @type {string | undefined} */ image) => {
    const p = { cid: newCid(), at: Date.now(), ...m };
    state.pending.push(p);
    saveState(state);
    if (image) localImages.set(p.cid, image);
    render({ cid: p.cid, from: 'visitor', text: m.text ?? '', at: p.at, kind: m.attachmentId ? 'image' : 'text', pending: true, image });
    if (ready) send({ t: 'msg', cid: p.cid, ...m });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_TEXT) {
      error.textContent = t.tooLong;
      return;
    }
    error.textContent = '';
    input.value = '';
    queue({ text });
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', () => {
    const now = Date.now();
    if (ready && now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ t: 'typing' });
    }
  });
  imgBtn.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    error.textContent = '';
    if (f.size > MAX_IMAGE_BYTES) {
      error.textContent = t.bigImage;
      return;
    }
    const bytes = await readBytes(f);
    const mime = sniff(bytes);
    if (!mime) {
      error.textContent = t.badImage;
      return;
    }
    try {
      const res = await fetch(`${hub}/widget/upload`, { method: 'POST', headers: { 'content-type': mime, 'x-visitor-token': state.token ?? '' }, body: bytes });
      const body = await res.json();
      if (!res.ok || !body.ok) throw new Error(body?.error?.code ?? String(res.status));
      queue({ attachmentId: body.value.attachmentId }, URL.createObjectURL(new Blob([bytes], { type: mime })));
    } catch {
      error.textContent = t.uploadFailed;
    }
  });

  const finishIntro = (/** @type {boolean} */ keep) => {
    state.introDone = true;
    if (keep) {
      state.name = nameIn.value.trim().slice(0, 60);
      state.phone = phoneIn.value.trim().slice(0, 20);
    }
    saveState(state);
    intro.hidden = true;
    // Name and phone travel with the hello: reconnect to introduce ourselves.
    if (keep && ws) ws.close();
    input.focus();
  };
  startBtn.addEventListener('click', () => finishIntro(true));
  skipBtn.addEventListener('click', () => finishIntro(false));

  const open = () => {
    panel.hidden = false;
    launcher.hidden = true;
    (state.introDone ? input : nameIn).focus();
    scroll();
  };
  launcher.addEventListener('click', open);
  closeBtn.addEventListener('click', () => {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.focus();
  });
  window.addEventListener('online', () => {
    if (!ws) connect();
  });

  connect();
  if (opts.open) open();
  return { open, element: host };
}

const auto = document.querySelector('script[data-lantern-widget]');
if (auto) mount({ lang: auto.getAttribute('data-lang') ?? undefined, open: auto.hasAttribute('data-open'), title: auto.getAttribute('data-title') ?? undefined });
