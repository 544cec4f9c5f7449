// amazon-connect-chatjs in Node: jsdom stands in for the page, `ws` for the browser's
// WebSocket. Argument: the flow's input as JSON, plus {instanceId}. Prints one JSON line per
// step; exits 0 when the whole flow passed.
import { JSDOM } from "jsdom";
import WebSocket from "ws";

const input = JSON.parse(process.argv[2]);
const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", {
  url: "http://127.0.0.1/",
});
for (const name of ["window", "document", "navigator", "localStorage", "sessionStorage"]) {
  Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
}
// In a browser, self, window and the global object are one; the bundle uses all three.
globalThis.self = globalThis;
globalThis.WebSocket = dom.window.WebSocket = WebSocket;
globalThis.connect = dom.window.connect = {};
// A browser's fetch drops the headers a page may not set (Host, Content-Length); Node's
// refuses the whole request instead. Drop them here, as the browser would.
const nodeFetch = globalThis.fetch;
globalThis.fetch = (resource, init) => {
  if (resource instanceof Request) {
    const headers = new Headers(resource.headers);
    ["host", "content-length"].forEach((name) => headers.delete(name));
    resource = new Request(resource, { headers, duplex: "half" });
  }
  return nodeFetch(resource, init);
};

await import("amazon-connect-chatjs");
await import("./flow.js");

const report = (step, detail = {}) => process.stdout.write(JSON.stringify({ step, ...detail }) + "\n");
async function seed(method, args) {
  const response = await nodeFetch(`${input.endpoint}/moto-api/connect-persistent/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-moto-region": input.region },
    body: JSON.stringify({ instance_id: input.instanceId, contact_id: input.contactId, ...args }),
  });
  const payload = await response.json();
  if (response.status !== 200) throw new Error(`${method}: ${JSON.stringify(payload)}`);
  return payload.result;
}

try {
  await globalThis.chatFlow(globalThis.connect, input, seed, report);
  report("done");
  process.exit(0);
} catch (error) {
  const detail = error instanceof Error ? error.stack : JSON.stringify(error).slice(0, 3000);
  report("failed", { error: detail });
  process.exit(1);
}
