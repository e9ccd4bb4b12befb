// A real graphql-ws client for tests/CxActors.Tests/LiveSubscriptionTests: one JSON argument
// {url, headers?, connectionParams?, subscriptions: [{id, query, variables?}]}; prints one JSON line per happening.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const config = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const headers = config.headers ?? {};

class HeaderWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers });
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
    connected: () => print({ connected: true }),
    closed: (event) => {
      print({ closed: event.code, reason: event.reason });
      setTimeout(() => process.exit(0), 50);
    },
  },
});

for (const s of config.subscriptions ?? []) {
  client.subscribe({ query: s.query, variables: s.variables }, {
    next: (value) => print({ sub: s.id, next: value }),
    error: (error) => print({ sub: s.id, error: Array.isArray(error) ? error : { code: error?.code, reason: error?.reason } }),
    complete: () => print({ sub: s.id, complete: true }),
  });
}

process.stdin.on('data', (data) => {
  if (data.toString().includes('close'))
    client.dispose();
});
