// amazon-connect-chatjs in a real headless Chromium (Debian's, driven by playwright-core): a
// tiny page served here on 127.0.0.1 loads the published bundle and runs the flow; every
// Participant Service call and the websocket go from the page to the server, cross-origin,
// so the server's CORS answers are exercised too. Arguments: the flow's input as JSON, the
// Chromium executable. Prints one JSON line per step; exits 0 when the whole flow passed.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const input = JSON.parse(process.argv[2]);
const executablePath = process.argv[3];
const here = dirname(fileURLToPath(import.meta.url));
const report = (step, detail = {}) => process.stdout.write(JSON.stringify({ step, ...detail }) + "\n");

const FILES = {
  "/": ["text/html", "<!doctype html><meta charset=utf-8><title>chat</title>"
    + "<script src=/chat.js></script><script src=/flow.js></script>"],
  "/chat.js": ["text/javascript", join(here, "node_modules/amazon-connect-chatjs/dist/amazon-connect-chat.js")],
  "/flow.js": ["text/javascript", join(here, "flow.js")],
};
const pages = createServer(async (request, response) => {
  const file = FILES[request.url];
  if (!file) return response.writeHead(404).end();
  const body = file[1].startsWith("<") ? file[1] : await readFile(file[1]);
  response.writeHead(200, { "content-type": file[0] }).end(body);
});
await new Promise((resolve) => pages.listen(0, "127.0.0.1", resolve));
const pageUrl = `http://127.0.0.1:${pages.address().port}/`;

async function seed(method, args) {
  const response = await fetch(`${input.endpoint}/moto-api/connect-persistent/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-moto-region": input.region },
    body: JSON.stringify({ instance_id: input.instanceId, contact_id: input.contactId, ...args }),
  });
  const payload = await response.json();
  if (response.status !== 200) throw new Error(`${method}: ${JSON.stringify(payload)}`);
  return payload.result;
}

// The flags Debian's Chromium needs here: root, no GPU, and no calls to Google's services.
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let ok = false;
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => report("page-error", { error: String(error) }));
  await page.exposeFunction("seedAgent", seed);
  await page.exposeFunction("reportStep", report);
  await page.goto(pageUrl);
  await page.evaluate(async (flowInput) => {
    await window.chatFlow(window.connect, flowInput, window.seedAgent,
      (step, detail) => window.reportStep(step, detail || {}));
  }, input);
  report("done");
  ok = true;
} catch (error) {
  report("failed", { error: String(error && error.stack ? error.stack : error).slice(0, 3000) });
} finally {
  await browser.close();
  pages.close();
}
process.exit(ok ? 0 : 1);
