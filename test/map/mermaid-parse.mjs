// Parses Mermaid diagrams with Mermaid's own parser (the `mermaid` package, `mermaid.parse`),
// in a process of its own: Mermaid reads `window` and `document` at load time, so they are
// provided by linkedom here rather than in the test process.
// Input (standard input): a JSON array of diagram texts. Output: a JSON array of
// `{ "ok": true, "type": "flowchart-v2" }` or `{ "ok": false, "error": "..." }`, in order.
// Exits 2 when Mermaid cannot be loaded, so a missing install fails the test instead of passing.
import fs from 'node:fs';

let mermaid;
try {
  const { parseHTML } = await import('linkedom');
  const { window } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  globalThis.window = window;
  globalThis.document = window.document;
  mermaid = (await import('mermaid')).default;
} catch (e) {
  process.stderr.write(`cannot load mermaid: ${e?.message ?? e}\n`);
  process.exit(2);
}
mermaid.initialize({ startOnLoad: false });
const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = [];
for (const text of texts) {
  try {
    const r = await mermaid.parse(text);
    out.push(r ? { ok: true, type: r.diagramType } : { ok: false, error: 'not recognised as a diagram' });
  } catch (e) {
    out.push({ ok: false, error: String(e?.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(out));
