// A real graphql-ws client for tests/CxActors.Tests/LiveSubscriptionTests: one JSON argument
// {url, headers?, connectionParams?, pause?, brief?, subscriptions: [{id, query, variables?}]}; prints one JSON line per happening.
// brief: a next is printed as its size only ({bytes}), for tests that count large events rather than read them.
// pause: stop reading the socket once connected (a subscriber that cannot keep up) until a "resume" line on stdin; through
// ws's own pause/resume, so that its flow control (which pauses and resumes the raw socket) does not undo ours.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const config = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const headers = config.headers ?? {};

class HeaderWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers });
    HeaderWebSocket.last = this;
  }
}

const client = createClient({
  url: config.url,
  webSocketImpl: HeaderWebSocket,
  connectionParams: config.connectionParams,
  lazy: false,
  retryAttempts: 0,
  onNonLazyError: () => {},
  on: {
    connected: () => {
      if (config.pause) HeaderWebSocket.last.pause();
      print({ connected: true });
    },
    closed: (event) => {
      print({ closed: event.code, reason: event.reason });
      setTimeout(() => process.exit(0), 50);
    },
  },
});

for (const s of config.subscriptions ?? []) {
  client.subscribe({ query: s.query, variables: s.variables }, {
    next: (value) => print({ sub: s.id, next: config.brief ? { bytes: JSON.stringify(value).length } : value }),
    error: (error) => print({ sub: s.id, error: Array.isArray(error) ? error : { code: error?.code, reason: error?.reason } }),
    complete: () => print({ sub: s.id, complete: true }),
  });
}

process.stdin.on('data', (data) => {
  if (data.toString().includes('resume'))
    HeaderWebSocket.last.resume();
  if (data.toString().includes('close'))
    client.dispose();
});
