// The whole app side of livehook forwarding: check the Standard Webhooks signature, then use the vendor's event.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.LIVEHOOK_FORWARD_SECRET); // the whsec_… secret livehook prints at start
const server = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  try {
    const event = webhook.verify(body, req.headers); // throws on a bad signature or a timestamp over 5 minutes old
    console.log(req.headers["x-livehook-vendor"], req.headers["x-livehook-event-type"], JSON.stringify(event));
    res.writeHead(204).end();
  } catch {
    res.writeHead(401).end();
  }
});
server.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
