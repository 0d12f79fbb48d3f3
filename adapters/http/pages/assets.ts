/**
 * The pages' stylesheet and script, served as files by this service (`/portal-assets/…`): kept in
 * a module so the built package carries them, and the policy needs no inline style or script.
 */

import { DEFAULT_PRIMARY_COLOUR } from '../../../src/firm/branding.js';

export const portalCss = String.raw`/* The client portal's look: the firm's colour comes from /portal/{firmId}/brand.css as --brand and --brand-ink. */
:root { --brand: ${DEFAULT_PRIMARY_COLOUR}; --brand-ink: #ffffff; --text: #1d1d1f; --muted: #555555; --line: #d0d0d6; --error: #a4001c; --ok: #1b5e20; --bg: #f5f5f7; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.5; color: var(--text); background: var(--bg); }
a { color: #0b4f9c; }
a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #ffffff; color: #000000; padding: 8px 12px; z-index: 10; }
.skip:focus { left: 8px; top: 8px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.brand-bar { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 12px 16px; background: var(--brand); color: var(--brand-ink); }
.brand { color: var(--brand-ink); text-decoration: none; display: inline-flex; align-items: center; min-height: 44px; }
.firm-name { font-size: 1.25rem; font-weight: 700; }
.logo { max-height: 48px; max-width: 200px; display: block; background: #ffffff; padding: 4px; border-radius: 4px; }
.logout { margin: 0; }
main { display: block; max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 8px 0 16px; }
h2 { font-size: 1.2rem; margin: 24px 0 8px; }
.card { background: #ffffff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
.field { margin: 0 0 16px; }
label { display: block; font-weight: 600; margin-bottom: 4px; }
.hint { color: var(--muted); margin: 0 0 6px; font-size: 0.95rem; }
input[type="text"], input[type="email"], input[type="password"], input[type="file"] { width: 100%; max-width: 28rem; font-size: 1rem; padding: 10px; border: 1px solid #767676; border-radius: 4px; background: #ffffff; color: var(--text); }
.button { display: inline-block; min-height: 44px; padding: 10px 18px; font-size: 1rem; border-radius: 4px; border: 2px solid transparent; cursor: pointer; }
.button.primary { background: var(--brand); color: var(--brand-ink); border-color: var(--brand); }
.button.on-brand { background: transparent; color: var(--brand-ink); border-color: var(--brand-ink); }
.button.secondary { background: #ffffff; color: var(--text); border-color: #767676; }
.button.danger { background: #ffffff; color: var(--error); border-color: var(--error); }
.toggle { margin-top: 8px; }
.notice { padding: 12px 16px; border-radius: 4px; border-left: 6px solid; background: #ffffff; }
.notice.error { border-color: var(--error); color: var(--error); }
.notice.info { border-color: var(--ok); color: var(--ok); }
.empty { background: #ffffff; border: 1px dashed var(--line); padding: 16px; border-radius: 8px; }
table { width: 100%; border-collapse: collapse; background: #ffffff; }
th, td { text-align: left; padding: 10px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #ececf0; }
.doc-name { font-weight: 600; word-break: break-word; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
form.inline { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
form.inline input { width: auto; min-width: 10rem; }
.progress-list { list-style: none; padding: 0; }
.progress-list li { padding: 6px 0; }
.progress-list li.error { color: var(--error); }
.progress-list li.done { color: var(--ok); }
.progress-list progress { display: block; width: 100%; max-width: 28rem; }
.footer { max-width: 960px; margin: 24px auto; padding: 0 16px; color: var(--muted); }
.footer a { color: #0b4f9c; }
/* Phones: each document becomes a small card, its cells labelled. */
@media (max-width: 640px) {
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table, tbody, tr, th, td { display: block; width: 100%; }
  tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 12px; padding: 8px; }
  th, td { border: 0; padding: 4px 0; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
  h1 { font-size: 1.35rem; }
}
`;

export const portalJs = String.raw`// The client portal's few lines of script: show-password toggles, and uploads with progress.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-toggle-password]').forEach(function (button) {
    var fields = button.getAttribute('data-toggle-password').split(' ').map(function (id) { return document.getElementById(id); });
    button.hidden = false;
    button.addEventListener('click', function () {
      var show = button.getAttribute('aria-pressed') !== 'true';
      fields.forEach(function (field) { if (field) field.type = show ? 'text' : 'password'; });
      button.setAttribute('aria-pressed', String(show));
      button.textContent = show ? 'Hide password' : 'Show password';
    });
  });

  var form = document.getElementById('upload-form');
  if (!form) return;
  var list = document.getElementById('upload-progress');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var maxBytes = Number(form.getAttribute('data-max-bytes'));
  var maxText = form.getAttribute('data-max-text');
  var refused = form.getAttribute('data-refused').split(' ');
  var line = function (text, kind) {
    var item = document.createElement('li');
    item.className = kind || '';
    item.textContent = text;
    list.appendChild(item);
    return item;
  };
  var send = function (file) {
    return new Promise(function (resolve) {
      var ext = (/\.([^.]+)$/.exec(file.name.replace(/[\s.]+$/, '')) || [])[1];
      if (ext && refused.indexOf(ext.toLowerCase()) >= 0) {
        line('“' + file.name + '” was not sent: Programs and scripts (.' + ext.toLowerCase() + ') cannot be sent. Send documents such as PDFs, images or office files.', 'error');
        return resolve(false);
      }
      if (file.size > maxBytes) {
        line('“' + file.name + '” was not sent: a file can be at most ' + maxText + '.', 'error');
        return resolve(false);
      }
      var item = line('Sending “' + file.name + '”…');
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', 'Progress of ' + file.name);
      item.appendChild(bar);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action + '?name=' + encodeURIComponent(file.name));
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', function () {
        var ok = xhr.status >= 200 && xhr.status < 300;
        var detail = '';
        try { detail = JSON.parse(xhr.responseText).detail || ''; } catch (e) { detail = ''; }
        bar.value = ok ? 100 : bar.value;
        item.firstChild.textContent = ok ? '“' + file.name + '” sent.' : '“' + file.name + '” was not sent: ' + (detail || 'the server refused it.');
        item.className = ok ? 'done' : 'error';
        resolve(ok);
      });
      xhr.addEventListener('error', function () {
        item.firstChild.textContent = '“' + file.name + '” was not sent: the connection failed. Try again.';
        item.className = 'error';
        resolve(false);
      });
      xhr.send(file);
    });
  };
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('files');
    var files = Array.prototype.slice.call(input.files);
    list.textContent = '';
    if (files.length === 0) { line('Choose at least one file first.', 'error'); return; }
    var sent = 0;
    files.reduce(function (previous, file) {
      return previous.then(function () { return send(file).then(function (ok) { if (ok) sent++; }); });
    }, Promise.resolve()).then(function () {
      if (sent === files.length) window.location.assign(window.location.pathname + '?uploaded=1');
      else if (sent > 0) line('Reload the page to see the documents that were sent.', '');
    });
  });
});
`;
