// A JSON-RPC WebSocket proxy in front of a node that passes every answer through `tamper`: a
// lying RPC node, for tests of what the client believes. `tamper(text, request)` is also given
// the request an answer is for (parsed, or undefined for subscriptions' notifications).
import { WebSocketServer, WebSocket } from 'ws';
import { freePort } from './node.js';

export async function lyingProxy(target, tamper) {
  const port = await freePort();
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  server.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const waiting = [];
    const requests = new Map();
    const answered = (text) => {
      try {
        const { id } = JSON.parse(text);
        const request = requests.get(id);
        requests.delete(id);
        return request;
      } catch {
        return undefined;
      }
    };
    upstream.on('open', () => waiting.splice(0).forEach((m) => upstream.send(m)));
    client.on('message', (m) => {
      const text = m.toString();
      try {
        const request = JSON.parse(text);
        if (request.id !== undefined) requests.set(request.id, request);
      } catch {}
      upstream.readyState === WebSocket.OPEN ? upstream.send(text) : waiting.push(text);
    });
    upstream.on('message', (m) => {
      const text = m.toString();
      client.send(tamper(text, answered(text)));
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.close());
  });
  await new Promise((resolve) => server.on('listening', resolve));
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      for (const c of server.clients) c.terminate();
      server.close(resolve);
    }),
  };
}
