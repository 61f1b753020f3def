// The worklist web page and the OpenAPI document, built into the binary (no CDN, no build step).
#include "node/worklist_api.h"

namespace vigil::node {

const char* worklist_page() {
  return R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil worklist</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#111;color:#eee}
 header{padding:10px 16px;background:#222;display:flex;gap:16px;align-items:center}
 .notice{background:#5a3d00;color:#ffd;padding:8px 16px;font-weight:600}
 table{border-collapse:collapse;width:100%} th,td{padding:8px 12px;border-bottom:1px solid #333;text-align:left}
 tr.study{cursor:pointer} tr.study:hover{background:#1d2a3a}
 .p{font-weight:700;font-size:20px} .stat,.asap{color:#ff6b6b} .urgent{color:#ffb347} .routine{color:#9fd39f}
 .finding{display:flex;gap:16px;padding:12px 16px;border-bottom:1px solid #333;align-items:center}
 .finding img{width:256px;height:256px;background:#000}
 button{font-size:16px;padding:6px 14px;margin-right:8px} .accepted{color:#9fd39f} .rejected{color:#ff8080}
 #detail{padding:0 0 24px 0}
</style></head><body>
<div class="notice">Research use only. Not for diagnostic use. Findings are algorithm output for review by a radiologist.</div>
<header><strong>Vigil worklist</strong><span id="updated"></span>
<label>Reviewer <input id="reviewer" size="12"></label>
<label>Token <input id="token" type="password" size="16"></label></header>
<table><thead><tr><th>#</th><th>Priority</th><th>FHIR</th><th>Category</th><th>Findings</th><th>Waiting</th>
<th>State</th><th>Study</th><th>Key image</th></tr></thead><tbody id="rows"></tbody></table>
<div id="detail"></div>
<script>
const $ = (id) => document.getElementById(id);
$('token').value = localStorage.getItem('vigil-token') || new URLSearchParams(location.search).get('token') || '';
$('reviewer').value = localStorage.getItem('vigil-reviewer') || '';
$('token').onchange = () => { localStorage.setItem('vigil-token', $('token').value); refresh(); };
$('reviewer').onchange = () => localStorage.setItem('vigil-reviewer', $('reviewer').value);
const api = (path, options = {}) => fetch(path, Object.assign({}, options,
  {headers: Object.assign({'Authorization': 'Bearer ' + $('token').value, 'Content-Type': 'application/json'}, options.headers || {})}));
const img = (uid, n) => '/api/studies/' + uid + '/key-images/' + n + '.png?token=' + encodeURIComponent($('token').value);
const waited = (s) => s < 3600 ? Math.round(s / 60) + ' min' : (s / 3600).toFixed(1) + ' h';
let open = null;
async function refresh() {
  const r = await api('/api/worklist');
  if (!r.ok) { $('updated').textContent = 'API: ' + r.status + ' (token?)'; return; }
  const list = (await r.json()).studies;
  $('rows').innerHTML = '';
  list.forEach((s, i) => {
    const tr = document.createElement('tr');
    tr.className = 'study'; tr.dataset.uid = s.study_instance_uid;
    const thumb = s.findings.length ? '<img width="64" height="64" src="' + img(s.study_instance_uid, s.findings[0].number) + '">' : '';
    tr.innerHTML = '<td>' + (i + 1) + '</td><td class="p ' + s.fhir_priority + '">' + s.priority.toFixed(1) + '</td><td class="' +
      s.fhir_priority + '">' + s.fhir_priority + '</td><td>' + s.category + '</td><td>' + s.finding_count + '</td><td>' +
      waited(s.waiting_s) + '</td><td>' + s.state + '</td><td>…' + s.study_instance_uid.slice(-12) + '</td><td>' + thumb + '</td>';
    tr.onclick = () => { open = s.study_instance_uid; show(); };
    $('rows').appendChild(tr);
  });
  $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  if (open) show();
}
async function show() {
  const r = await api('/api/studies/' + open);
  if (!r.ok) return;
  const s = await r.json();
  const algorithm = (s.algorithm && s.algorithm.name ? s.algorithm.name + ' ' + s.algorithm.version : 'unknown algorithm');
  $('detail').innerHTML = '<h3 style="padding:0 16px">Study …' + s.study_instance_uid.slice(-12) + ' — ' + s.finding_count +
    ' finding(s) by ' + algorithm + ' (candidates for review, not a diagnosis)</h3>';
  s.findings.forEach((f) => {
    const div = document.createElement('div');
    div.className = 'finding'; div.dataset.finding = f.id;
    div.innerHTML = '<img src="' + img(s.study_instance_uid, f.number) + '"><div><div>Lesion ' + f.number + ': ' + f.type +
      ', ' + f.long_axis_mm.toFixed(1) + ' × ' + f.short_axis_mm.toFixed(1) + ' mm, ' + Math.round(f.volume_mm3) +
      ' mm³, score ' + f.probability.toFixed(2) + ' (a ranking, not a calibrated probability), category ' + f.category + '-like</div>' +
      '<div>Decision: <span class="decision ' + f.decision + '">' + f.decision + '</span> ' + (f.reviewer ? 'by ' + f.reviewer : '') +
      '</div><p><button class="accept">Accept</button><button class="reject">Reject</button></p></div>';
    div.querySelector('.accept').onclick = () => review(f.id, 'accepted');
    div.querySelector('.reject').onclick = () => review(f.id, 'rejected');
    $('detail').appendChild(div);
  });
}
async function review(id, decision) {
  const reviewer = $('reviewer').value || 'unnamed';
  await api('/api/findings/' + id + '/review', {method: 'POST', body: JSON.stringify({decision, reviewer})});
  refresh();
}
refresh();
setInterval(refresh, 10000);
</script></body></html>
)HTML";
}

const char* worklist_openapi() {
  return R"JSON({
  "openapi": "3.0.3",
  "info": {"title": "Vigil worklist API", "version": "1",
           "description": "Ranked studies with algorithm findings for radiologist review. Research use only."},
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}}}}},
  "security": [{"bearer": []}],
  "paths": {
    "/api/worklist": {"get": {"summary": "Studies, most urgent first",
      "parameters": [{"name": "state", "in": "query", "schema": {"type": "string", "enum": ["new", "in_review", "reported"]}},
                     {"name": "modality", "in": "query", "schema": {"type": "string"}},
                     {"name": "since", "in": "query", "schema": {"type": "number"}, "description": "received at or after, epoch seconds"}],
      "responses": {"200": {"description": "{studies: [...]}, each with priority, fhir_priority (routine|urgent|asap|stat), category, waiting_s, findings"},
                    "400": {"description": "bad filter"}, "401": {"description": "missing or wrong token"}}}},
    "/api/studies/{uid}": {"get": {"summary": "One study: findings, measurements, review history",
      "parameters": [{"name": "uid", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "the study"}, "401": {"description": "no token"}, "404": {"description": "unknown study"}}}},
    "/api/studies/{uid}/key-images/{n}.png": {"get": {"summary": "Key image of finding n (token also as ?token=)",
      "parameters": [{"name": "uid", "in": "path", "required": true, "schema": {"type": "string"}},
                     {"name": "n", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "PNG"}, "404": {"description": "no such image"}}}},
    "/api/findings/{id}/review": {"post": {"summary": "Accept or reject a finding",
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision", "reviewer"],
        "properties": {"decision": {"type": "string", "enum": ["accepted", "rejected"]}, "reviewer": {"type": "string"}, "comment": {"type": "string"}}}}}},
      "responses": {"200": {"description": "recorded"}, "400": {"description": "bad body"}, "401": {"description": "no token"}, "404": {"description": "unknown finding"}}}}
  }
})JSON";
}

}  // namespace vigil::node
