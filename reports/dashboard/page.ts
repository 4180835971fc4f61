import { readFileSync } from 'node:fs';
import { scriptText } from '../assets.ts';

let script: string | undefined;

/**
 * The dashboard's one page: a shell the client script fills from the API
 * (runs, the start form built from /api/options, live progress over
 * /api/events). No framework, nothing loaded from elsewhere.
 */
export function dashboardPage(): string {
  script ??= readFileSync(new URL('./client/dashboard.js', import.meta.url), 'utf8');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>faultline dashboard</title>
<style>${CSS}</style></head>
<body>
<header><h1>faultline</h1><p class="meta">Runs in this folder, their reports, and new runs. Reads are open; starting, cancelling and deleting need the token printed when the dashboard started.</p></header>
<main>
<section id="current" hidden>
<h2>Run in progress <span id="current-id" class="sub"></span></h2>
<div class="status">
<div><span class="label">phase</span><b id="phase">–</b></div>
<div><span class="label">ops/s</span><b id="ops">–</b></div>
<div><span class="label">errors</span><b id="errors">–</b></div>
<div><span class="label">fault</span><b id="fault">–</b></div>
<div><span class="label">checker</span><b id="checker">–</b></div>
</div>
<progress id="elapsed" max="1" value="0"></progress>
<button id="cancel" type="button">Cancel run</button>
<pre id="log"></pre>
</section>

<section id="runs-section">
<h2>Runs</h2>
<div class="filters">
<label>system <select id="filter-system"><option value="">any</option></select></label>
<label>workload <select id="filter-workload"><option value="">any</option></select></label>
<label>verdict <select id="filter-verdict"><option value="">any</option><option>valid</option><option>invalid</option><option>unknown</option></select></label>
<label>sort <select id="sort"><option value="-date">newest first</option><option value="date">oldest first</option><option value="workload">workload</option><option value="verdict">verdict (anomalies first)</option></select></label>
<button id="compare" type="button" disabled>Compare selected</button>
</div>
<table id="runs"><thead><tr><th></th><th>Started</th><th>Run</th><th>Workload</th><th>Faults</th><th>Systems</th><th>Verdict</th><th></th></tr></thead><tbody></tbody></table>
<p id="no-runs" class="meta" hidden>No runs here yet: start one below.</p>
</section>

<section id="start-section">
<h2>Start a run</h2>
<form id="start" novalidate>
<div id="fields" class="fields"></div>
<details><summary>Each system's settings</summary><div id="system-fields" class="fields"></div></details>
<label class="token">token <input id="token" type="password" autocomplete="off" placeholder="printed when the dashboard started"></label>
<button type="submit">Start</button>
<p id="form-error" class="bad" role="alert"></p>
</form>
</section>
</main>
<script>${scriptText(script)}</script>
</body></html>
`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header,main{max-width:1400px;margin:0 auto;padding:0 16px;box-sizing:border-box}
header{padding-top:18px}h1{margin:0 0 4px;font-size:22px}h2{margin-top:24px;border-bottom:1px solid #dde1e7;padding-bottom:4px}
.meta,.sub{color:#5b6474;font-size:13px;font-weight:normal}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #dde1e7;padding:4px 8px;text-align:left}
th{background:#f0f2f5;font-weight:600}
.valid{color:#17793a;font-weight:600}.invalid,.bad{color:#b42318;font-weight:600}.unknown{color:#8a6d00;font-weight:600}
.filters{display:flex;gap:14px;align-items:center;margin:8px 0;flex-wrap:wrap}
.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px 16px;margin:8px 0}
.fields label{display:flex;flex-direction:column;font-size:12px;color:#5b6474}
.fields input{font:inherit;padding:3px 6px}
.token{display:inline-flex;gap:6px;align-items:center;margin:8px 12px 8px 0}
.status{display:flex;gap:28px;flex-wrap:wrap;margin:8px 0}.status .label{display:block;font-size:12px;color:#5b6474}
progress{width:100%}
pre{max-height:220px;overflow:auto;font-size:12px;background:#f6f8fa;padding:8px}
button{font:inherit;padding:3px 10px}
`;
