// GraphiQL on livedrop's own endpoint; a file, not an inline script, so the page's policy allows no inline script.
const ws = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
const fetcher = GraphiQL.createFetcher({ url: '/graphql', subscriptionUrl: ws });
const example = '# Live drops with their product and stock, in one request.\n'
  + '# Acting as a user: ./livedrop token --user u1, then in Headers:\n'
  + '#   {"Authorization": "Bearer <token>"}\n'
  + '{\n  liveDrops(first: 10) {\n    edges { node { id status remainingStock initialStock product { name } creator { name } } }\n'
  + '    pageInfo { hasNextPage endCursor }\n  }\n}\n';
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: example, headerEditorEnabled: true }));
