// livedrop's own web client: the public GraphQL API (API.md) over fetch and graphql-transport-ws.
const DROP = `id status startsAt initialStock remainingStock priceCents currency
  product { id name } creator { id name viewerFollows }`;
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED']);

const $ = (selector, root = document) => root.querySelector(selector);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const state = {
  token: sessionStorage.getItem('livedrop.token'),
  user: sessionStorage.getItem('livedrop.user'),
  creator: sessionStorage.getItem('livedrop.creator') === 'true',
  ws: null,
  subscriptions: new Set(), // every live subscription, opened again on a new client
  watched: new Map(),   // drop id -> unsubscribe of its dropUpdates
  history: new Map(),   // drop id -> [{at, remaining}] for the creator's sold-per-second
};

// ---------------------------------------------------------------- transport

/** One GraphQL request; UNAVAILABLE and RATE_LIMITED are retried with backoff (same variables, same key). */
async function gql(query, variables = {}, { retries = 6 } = {}) {
  for (let attempt = 0; ; attempt++) {
    let body;
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      body = await res.json();
    } catch (e) {
      body = { errors: [{ message: `the server did not answer (${e.message})`, extensions: { code: 'UNAVAILABLE' } }] };
    }
    const error = body.errors && body.errors[0];
    if (!error) {
      notice(null);
      return body.data;
    }
    const code = error.extensions && error.extensions.code;
    if (RETRYABLE.has(code) && attempt < retries) {
      const wait = Math.min(8000, 500 * 2 ** attempt);
      const why = code === 'RATE_LIMITED' ? 'Too many requests' : 'The service is unavailable';
      console.info(`${why} (${error.message}); retry ${attempt + 1} of ${retries} in ${wait} ms`);
      notice(`${why}; retrying in ${(wait / 1000).toFixed(1)} s…`);
      await sleep(wait);
      continue;
    }
    notice(null);
    throw Object.assign(new Error(error.message), { code });
  }
}

/**
 * The WebSocket client. graphql-ws reconnects and resubscribes by itself after a dropped socket; on a close it treats
 * as fatal (it then gives up) the page makes a new client after a pause and subscribes everything again. Events of a
 * client that was replaced are ignored, so an old socket closing late cannot mark the page offline.
 */
function connect() {
  if (state.ws) state.ws.dispose();
  badge('connecting…', 'reconnecting');
  let client = null; // set once createClient returns; it may emit events before that
  client = graphqlWs.createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (state.token ? { Authorization: `Bearer ${state.token}` } : {}),
    lazy: false,
    keepAlive: 10000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => sleep(Math.min(5000, 250 * 2 ** retries)),
    onNonLazyError: (e) => {
      if (state.ws !== client) return;
      console.warn('live updates stopped; starting again in 2 s', e);
      badge('reconnecting…', 'reconnecting');
      setTimeout(() => state.ws === client && connect(), 2000);
    },
    on: {
      connecting: () => state.ws === client && badge('connecting…', 'reconnecting'),
      connected: () => state.ws === client && badge('live', 'live'),
      closed: () => state.ws === client && badge('reconnecting…', 'reconnecting'),
    },
  });
  state.ws = client;
  state.subscriptions.forEach(open);
}

/** A subscription kept for the page's lifetime (or until the returned function is called), across clients. */
function subscribe(query, variables, onData) {
  const sub = { query, variables, onData, stop: null };
  state.subscriptions.add(sub);
  open(sub);
  return () => {
    state.subscriptions.delete(sub);
    sub.stop?.();
  };
}

function open(sub) {
  sub.stop = state.ws.subscribe({ query: sub.query, variables: sub.variables }, {
    next: (result) => result.data && sub.onData(result.data),
    error: (e) => console.warn('subscription interrupted', e),
    complete: () => {},
  });
}

// ---------------------------------------------------------------- bits of page

function badge(text, kind) {
  const b = $('#connection');
  b.textContent = text;
  b.className = `badge ${kind}`;
}

function notice(text) {
  const n = $('#notice');
  n.hidden = !text;
  n.textContent = text || '';
}

function toast(text) {
  const t = document.createElement('div');
  t.className = 'toast';
  t.textContent = text;
  $('#toasts').append(t);
  setTimeout(() => t.remove(), 8000);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

const money = (d) => new Intl.NumberFormat(undefined, { style: 'currency', currency: d.currency || 'USD' }).format(d.priceCents / 100);

function el(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

const text = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// ---------------------------------------------------------------- drops

function card(drop, kind) {
  const c = el(`<div class="card" data-drop-id="${text(drop.id)}">
    <span class="status"></span>
    <h3>${text(drop.product.name)}</h3>
    <div>by <b>${text(drop.creator.name)}</b> <button class="follow" data-creator-id="${text(drop.creator.id)}">Follow</button></div>
    <div><span class="stock"></span> <span class="of">of ${drop.initialStock} left</span> · ${money(drop)}</div>
    <div class="starts"></div>
    <div class="rate"></div>
    <button class="buy">Buy 1</button>
    <div class="result"></div>
  </div>`);
  if (kind === 'creator') {
    c.querySelector('.buy').remove();
    c.querySelector('.follow').remove();
  } else {
    c.querySelector('.rate').remove();
    c.querySelector('.buy').addEventListener('click', (e) => buy(e.currentTarget, drop.id));
    c.querySelector('.follow').addEventListener('click', () => follow(drop.creator.id));
  }
  show(c, drop);
  remember(drop);
  return c;
}

function show(c, drop) {
  c.querySelector('.status').textContent = drop.status;
  c.querySelector('.status').className = `status ${drop.status}`;
  c.querySelector('.stock').textContent = drop.remainingStock;
  c.querySelector('.starts').textContent = drop.status === 'SCHEDULED'
    ? `starts ${new Date(drop.startsAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}` : '';
  const buy = c.querySelector('.buy');
  if (buy && !buy.dataset.busy) buy.disabled = drop.status !== 'LIVE';
  const f = c.querySelector('.follow');
  if (f) f.hidden = !!drop.creator.viewerFollows || drop.creator.id === state.user;
}

/** Follows a drop's stock and status live; every card of the drop on the page shows it. */
function watch(dropId) {
  if (state.watched.has(dropId)) return;
  state.watched.set(dropId, subscribe(`subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { ${DROP} } } }`,
    { id: dropId }, ({ dropUpdates }) => {
      const d = dropUpdates.drop;
      document.querySelectorAll(`.card[data-drop-id="${CSS.escape(d.id)}"]`).forEach((c) => show(c, d));
      remember(d);
      if (d.status === 'LIVE' && !document.querySelector(`#live .card[data-drop-id="${CSS.escape(d.id)}"]`)) {
        place('#live', card(d, 'shopper'));
        document.querySelector(`#upcoming .card[data-drop-id="${CSS.escape(d.id)}"]`)?.remove();
      }
    }));
}

/** The drop's stock over the last 10 s, for the creator's sold-per-second figure. */
function remember(d) {
  const now = Date.now();
  const h = (state.history.get(d.id) || []).filter((x) => x.at > now - 10000);
  h.push({ at: now, remaining: d.remainingStock });
  state.history.set(d.id, h);
}

function place(container, c) {
  const box = $(container);
  box.querySelector('.empty')?.remove();
  box.querySelector(`.card[data-drop-id="${CSS.escape(c.dataset.dropId)}"]`)?.remove();
  box.prepend(c);
  watch(c.dataset.dropId);
}

// ---------------------------------------------------------------- shopper

async function loadShopper() {
  const data = await gql(`{ liveDrops(first: 20) { edges { node { ${DROP} } } }
    me { following(first: 50) { edges { node { id drops(first: 20) { edges { node { ${DROP} } } } } } } } }`);
  data.liveDrops.edges.map((e) => e.node).reverse().forEach((d) => place('#live', card(d, 'shopper')));
  data.me.following.edges.flatMap((e) => e.node.drops.edges.map((x) => x.node))
    .filter((d) => d.status === 'SCHEDULED').forEach((d) => place('#upcoming', card(d, 'shopper')));
  subscribe(`subscription { dropStarted { startedAt drop { ${DROP} } } }`, {}, ({ dropStarted }) => {
    const d = dropStarted.drop;
    toast(`${d.creator.name} just dropped ${d.product.name}`);
    document.querySelector(`#upcoming .card[data-drop-id="${CSS.escape(d.id)}"]`)?.remove();
    place('#live', card(d, 'shopper'));
  });
}

async function follow(creatorId) {
  try {
    const { follow: f } = await gql('mutation($id: ID!) { follow(creatorId: $id) { creator { id name followerCount } } }',
      { id: creatorId });
    const n = f.creator.followerCount;
    toast(`Following ${f.creator.name} (${n} ${n === 1 ? 'follower' : 'followers'})`);
    document.querySelectorAll(`.follow[data-creator-id="${CSS.escape(creatorId)}"]`).forEach((b) => { b.hidden = true; });
    await showUpcoming(creatorId);
  } catch (e) {
    toast(`Could not follow: ${e.message}`);
  }
}

/** A followed creator's scheduled drops, under Upcoming (they move to Live when they start). */
async function showUpcoming(creatorId) {
  const { creator } = await gql(`query($id: ID!) { creator(id: $id) { drops(first: 20) { edges { node { ${DROP} } } } } }`,
    { id: creatorId });
  (creator ? creator.drops.edges.map((e) => e.node) : []).filter((d) => d.status === 'SCHEDULED')
    .forEach((d) => place('#upcoming', card(d, 'shopper')));
}

/**
 * One click, one idempotency key; the button stays disabled until the order is decided, so a double click is one order.
 * When the retries run out on UNAVAILABLE or RATE_LIMITED the order may still have been placed: the button then offers
 * to retry the same order, under the same key, rather than place another one.
 */
async function buy(button, dropId) {
  if (button.dataset.busy) return;
  button.dataset.busy = 'true';
  button.disabled = true;
  const result = button.parentElement.querySelector('.result');
  const key = button.dataset.retryKey || newKey();
  delete button.dataset.retryKey;
  button.textContent = 'Buy 1';
  result.className = 'result';
  result.textContent = 'Ordering…';
  try {
    let { placeOrder: { order } } = await gql(`mutation($in: PlaceOrderInput!) {
        placeOrder(input: $in) { order { id status rejectReason } } }`, { in: { dropId, quantity: 1, idempotencyKey: key } });
    if (order.status === 'PENDING') {
      result.className = 'result PENDING';
      result.textContent = 'PENDING…';
      order = await decided(order.id);
    }
    result.className = `result ${order.status}`;
    result.textContent = order.status === 'REJECTED' ? `REJECTED: ${order.rejectReason}` : order.status;
    result.dataset.orderId = order.id;
  } catch (e) {
    result.className = 'result error';
    result.textContent = `${e.code || 'ERROR'}: ${e.message}`;
    if (RETRYABLE.has(e.code)) {
      button.dataset.retryKey = key;
      button.textContent = 'Retry this order';
      result.textContent += ' — it may have been placed; retrying it never orders twice.';
    }
  } finally {
    delete button.dataset.busy;
    button.disabled = button.parentElement.querySelector('.status').textContent !== 'LIVE';
  }
}

function decided(orderId) {
  return new Promise((resolve, reject) => {
    const stop = subscribe('subscription($id: ID!) { orderStatus(orderId: $id) { id status rejectReason } }',
      { id: orderId }, ({ orderStatus }) => {
        if (orderStatus.status !== 'PENDING') {
          stop();
          resolve(orderStatus);
        }
      });
    setTimeout(() => { stop(); reject(new Error('still pending after 60 s; see your orders later')); }, 60000);
  });
}

// ---------------------------------------------------------------- creator

async function loadCreator() {
  const { creator } = await gql(`query($id: ID!) { creator(id: $id) { drops(first: 20) { edges { node { ${DROP} } } } } }`,
    { id: state.user });
  const drops = creator ? creator.drops.edges.map((e) => e.node) : [];
  drops.reverse().forEach((d) => place('#my-drops', card(d, 'creator')));
  const products = JSON.parse(sessionStorage.getItem('livedrop.products') || '[]');
  drops.forEach((d) => products.some((p) => p.id === d.product.id) || products.push(d.product));
  products.forEach(addProduct);
}

function addProduct(p) {
  const select = $('#drop-product');
  if (![...select.options].some((o) => o.value === p.id)) select.append(new Option(p.name, p.id));
  const stored = JSON.parse(sessionStorage.getItem('livedrop.products') || '[]');
  if (!stored.some((x) => x.id === p.id)) sessionStorage.setItem('livedrop.products', JSON.stringify([...stored, p]));
}

/**
 * Units sold in the last second (and the peak so far), from the stock the drop's updates showed: the public API
 * has no order counter, and every confirmed order lowers the stock.
 */
setInterval(() => {
  document.querySelectorAll('#my-drops .card').forEach((c) => {
    const h = state.history.get(c.dataset.dropId) || [];
    const now = Date.now();
    const before = [...h].reverse().find((x) => x.at <= now - 1000) || h[0];
    const latest = h[h.length - 1];
    const sold = before && latest ? Math.max(0, before.remaining - latest.remaining) : 0;
    const peak = Math.max(sold, Number(c.dataset.peak || 0));
    c.dataset.peak = peak;
    c.querySelector('.rate').textContent = `${sold} sold in the last second · peak ${peak}/s`;
  });
}, 250);

// ---------------------------------------------------------------- wiring

async function signIn(user, creator) {
  const res = await fetch('/local/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, creator }),
  });
  if (res.status === 404) {
    throw new Error('This server has no local sign-in (it runs without the local profile): use a token from your identity provider with the API.');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `sign-in failed (HTTP ${res.status})`);
  Object.assign(state, { token: body.token, user, creator });
  sessionStorage.setItem('livedrop.token', body.token);
  sessionStorage.setItem('livedrop.user', user);
  sessionStorage.setItem('livedrop.creator', String(creator));
}

function switchTo(view) {
  document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== view; });
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.dataset.view === view));
}

async function start() {
  $('#who').hidden = !state.user;
  $('#who').textContent = state.user ? `signed in as ${state.user}${state.creator ? ' (creator)' : ''}` : '';
  $('#sign-in').hidden = !!state.user;
  $('#sign-out').hidden = !state.user;
  connect();
  if (!state.user) return;
  try {
    await loadShopper();
    if (state.creator) await loadCreator();
  } catch (e) {
    notice(`Could not load: ${e.message}`);
  }
}

$('#sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await signIn($('#user').value.trim(), $('#as-creator').checked);
    await start();
    switchTo(state.creator ? 'creator' : 'shopper');
  } catch (err) {
    notice(err.message);
  }
});
$('#sign-out').addEventListener('click', () => {
  sessionStorage.clear();
  location.reload();
});
$('#follow-form').addEventListener('submit', (e) => {
  e.preventDefault();
  follow($('#follow-id').value.trim());
});
$('#product-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const { upsertProduct } = await gql('mutation($in: ProductInput!) { upsertProduct(input: $in) { id name } }',
      { in: { name: $('#product-name').value.trim() } });
    addProduct(upsertProduct);
    $('#drop-product').value = upsertProduct.id;
    toast(`Product ${upsertProduct.name} created`);
  } catch (err) {
    notice(`Could not create the product: ${err.message}`);
  }
});
$('#drop-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const starts = $('#drop-starts').value;
  try {
    const { scheduleDrop } = await gql(`mutation($in: ScheduleDropInput!) { scheduleDrop(input: $in) { ${DROP} } }`, {
      in: {
        productId: $('#drop-product').value, stock: Number($('#drop-stock').value),
        priceCents: Number($('#drop-price').value), startsAt: starts ? new Date(starts).toISOString() : null,
      },
    });
    place('#my-drops', card(scheduleDrop, 'creator'));
    toast(`Drop of ${scheduleDrop.product.name} scheduled`);
  } catch (err) {
    notice(`Could not schedule the drop: ${err.message}`);
  }
});
document.querySelectorAll('.tab').forEach((t) => t.addEventListener('click', () => switchTo(t.dataset.view)));
start();
