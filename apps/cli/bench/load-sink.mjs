// A bare node:http sink for bench/load.bench.ts: reads each body and answers 200 {"ok":true}, like the cheapest
// possible receiver. GET /cpu reports its own CPU time and request count, so the bench can say where time goes.
import { createServer } from "node:http";

let requests = 0;
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/cpu") {
    const { user, system } = process.cpuUsage();
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ cpuMs: (user + system) / 1000, requests }));
    return;
  }
  req.resume();
  req.on("end", () => {
    requests++;
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
