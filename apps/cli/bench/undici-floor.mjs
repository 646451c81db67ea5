// The floor of `livehook load`'s HTTP path for bench/load.bench.ts: the same undici Pool and bare dispatch handler,
// one fixed body, no event planning or signing. Prints {"rate","requests"} as JSON.
//   node bench/undici-floor.mjs URL CONNECTIONS SECONDS BODY_FILE
import { readFileSync } from "node:fs";
import { Pool } from "undici";

const [url, connections, seconds, bodyFile] = process.argv.slice(2);
const target = new URL(url);
const body = readFileSync(bodyFile, "utf8");
const pool = new Pool(target.origin, { connections: Number(connections), pipelining: 1, keepAliveTimeout: 30_000 });
const send = () =>
  new Promise((resolve, reject) =>
    pool.dispatch(
      { method: "POST", path: target.pathname, headers: { "content-type": "application/json" }, body },
      {
        onConnect: () => {},
        onHeaders: () => true,
        onData: () => true,
        onComplete: resolve,
        onError: reject,
      },
    ),
  );
let requests = 0;
const start = performance.now();
const end = start + Number(seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (performance.now() < end) {
      await send();
      requests++;
    }
  }),
);
console.log(JSON.stringify({ rate: (requests * 1000) / (performance.now() - start), requests }));
await pool.close();
