// GraphiQL, served from node_modules (no CDN: these machines have no internet). Add your token
// in the Headers tab: {"Authorization": "Bearer <token>"} (npm start prints one per role).
/* global React, ReactDOM, GraphiQL */
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
const headers = JSON.stringify({ Authorization: 'Bearer <paste a token printed by npm start>' }, null, 2);
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultHeaders: headers, shouldPersistHeaders: true, defaultEditorToolsVisibility: 'headers' }),
);
