// Starts GraphiQL against this service's /graphql. Optional URL parameters:
//   ?query=...&variables=...&operationName=...   prefill the editors
//   &run=1                                       press GraphiQL's run button once the page is up
// Queries go with this browser's session cookie (same origin): a 401 shows a link to /signin. Subscriptions go over a
// WebSocket to the same /graphql (graphql-transport-ws, the bundled graphql-ws client); the upgrade carries the cookie.
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  function showSignIn() {
    if (document.getElementById('cx-signin')) return;
    var bar = document.createElement('div');
    bar.id = 'cx-signin';
    bar.setAttribute('role', 'alert');
    bar.style.cssText = 'position:fixed;top:0;left:0;right:0;z-index:1000;padding:.5rem 1rem;background:#fff3cd;font-family:sans-serif';
    var link = document.createElement('a');
    link.href = '/signin?returnUrl=' + encodeURIComponent(window.location.pathname + window.location.search);
    link.textContent = 'Sign in with an API key';
    bar.appendChild(document.createTextNode('Not signed in (401). '));
    bar.appendChild(link);
    document.body.appendChild(bar);
  }
  function signedInFetch(url, init) {
    init = Object.assign({}, init, { credentials: 'same-origin' });
    return window.fetch(url, init).then(function (response) {
      if (response.status === 401) showSignIn();
      return response;
    });
  }
  var props = {
    fetcher: GraphiQL.createFetcher({
      url: '/graphql',
      fetch: signedInFetch,
      wsClient: graphqlWs.createClient({
        url: (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + '/graphql',
        lazy: true,
        retryAttempts: 0,
        on: { closed: function (event) { if (event && event.code === 4401) showSignIn(); } }
      })
    }),
    defaultEditorToolsVisibility: true,
    defaultQuery: '# CxActors GraphQL: the e-mail (or a linked phone) of a customer\n' +
      '{\n  customer(id: "someone@example.com") {\n    id\n    name\n    contactsLast24h\n' +
      '    interactionCounts { channel count }\n    lastInteraction { channel startedAt }\n  }\n}\n'
  };
  if (params.has('query')) props.query = params.get('query');
  if (params.has('variables')) props.variables = params.get('variables');
  if (params.has('operationName')) props.operationName = params.get('operationName');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));

  if (params.get('run') === '1') {
    var attempts = 0;
    var timer = setInterval(function () {
      var button = document.querySelector('.graphiql-execute-button');
      attempts++;
      if (button || attempts > 200) {
        clearInterval(timer);
        if (button) setTimeout(function () { button.click(); }, 250);
      }
    }, 50);
  }
})();
