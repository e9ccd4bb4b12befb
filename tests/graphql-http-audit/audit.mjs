// Runs graphql-http's GraphQL-over-HTTP server audit against CX_AUDIT_URL, sending the API key CX_AUDIT_KEY with
// every request, and prints one JSON object: { results: [{ id, name, status, reason }] }. GraphQLHttpAuditTests
// judges the results; this script only fails when the audit itself cannot run.
import http from 'node:http';
import { auditServer } from 'graphql-http';

const url = process.env.CX_AUDIT_URL;
const key = process.env.CX_AUDIT_KEY;
if (!url || !key) {
  console.error('Set CX_AUDIT_URL (the /graphql address) and CX_AUDIT_KEY (an API key with the read scope).');
  process.exit(2);
}

// The audit's requests carry no credentials of their own; every endpoint but health needs them. Sent with node:http
// rather than fetch: fetch refuses the "bad ports" of the Fetch standard (6000, 6665-6669, …), which a test silo's
// free port may be.
const fetchWithKey = (input, init = {}) =>
  new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
    headers.authorization = `Bearer ${key}`;
    const body = init.body === undefined || init.body === null ? null : Buffer.from(String(init.body), 'utf8');
    if (body) headers['content-length'] = String(body.length);
    const request = http.request(String(input), { method: init.method ?? 'GET', headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers))
          for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
        const status = response.statusCode ?? 0;
        resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    if (body) request.write(body);
    request.end();
  });

const results = await auditServer({ url, fetchFn: fetchWithKey });
console.log(JSON.stringify({
  results: results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.status === 'ok' ? null : r.reason })),
}));
