// Runs graphql-http's GraphQL-over-HTTP server audit against CX_AUDIT_URL, sending the API key CX_AUDIT_KEY with
// every request, and prints one JSON object: { results: [{ id, name, status, reason }] }. GraphQLHttpAuditTests
// judges the results; this script only fails when the audit itself cannot run.
import { auditServer } from 'graphql-http';

const url = process.env.CX_AUDIT_URL;
const key = process.env.CX_AUDIT_KEY;
if (!url || !key) {
  console.error('Set CX_AUDIT_URL (the /graphql address) and CX_AUDIT_KEY (an API key with the read scope).');
  process.exit(2);
}

// The audit's requests carry no credentials of their own; every endpoint but health needs them.
const fetchWithKey = (input, init = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('Authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn: fetchWithKey });
console.log(JSON.stringify({
  results: results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.status === 'ok' ? null : r.reason })),
}));
