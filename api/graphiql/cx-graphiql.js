// Starts GraphiQL against this service's /graphql. Optional URL parameters:
//   ?query=...&variables=...&operationName=...   prefill the editors
//   &run=1                                       press GraphiQL's run button once the page is up
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var props = {
    fetcher: GraphiQL.createFetcher({ url: '/graphql' }),
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
