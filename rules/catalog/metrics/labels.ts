/**
 * What makes a metric label (an OpenTelemetry attribute) unbounded or bounded: data for
 * `no-unbounded-metric-labels`, extended from config through the rule's options.
 *
 * Names are compared as word lists: `userId`, `user_id`, `user.id` and `USER-ID` are all `user id`.
 * A term is a space-separated word list; a leading `*` also matches longer names that end with it
 * (`*user id` matches `end_user_id` and `enduser.id`; `user` matches only `user`).
 */

export interface UnboundedDimension {
  /** Terms naming the dimension (see above). */
  names: string[];
  /** What the values are, for messages: "user ids". */
  what: string;
  /** What to do instead. */
  advice: string;
  /**
   * A variable or property with one of these names, used as a label value, is itself an unbounded
   * source (`userId`, `user.id`, `req.user.email`). Off for names that often hold bounded values
   * (`path` may hold a route template).
   */
  valueNames?: boolean;
  /**
   * Whether the label name alone is reported (default true). Off for names that teams routinely fill
   * with normalised values (a `path` label fed a route template or a path with ids replaced): those
   * are reported only when a value shows the raw source (`req.path`, `req.originalUrl`).
   */
  reportName?: boolean;
}

const ids = 'Drop the label and record the id as a span attribute or a log field, where per-request detail belongs; use exemplars to jump from a metric to a trace.';

export const unboundedDimensions: UnboundedDimension[] = [
  {
    names: ['user', 'users', 'uid', 'username', '*user id', '*user name', '*enduser id', '*customer id', 'customer', 'tenant', '*tenant id', '*account id', '*org id', '*organization id', '*organisation id', '*workspace id', '*member id', '*visitor id', '*subscriber id', '*installation id'],
    what: 'user, customer or tenant identities',
    advice: 'Drop the label and put the identity on the trace (a span attribute) or in logs; if you need a breakdown, label with a bounded attribute such as the plan or tier.',
    valueNames: true,
  },
  {
    names: ['*session id', 'session', '*request id', 'req id', '*trace id', '*span id', '*correlation id', '*transaction id', 'tx id', 'txn id', '*conversation id', '*thread id', '*message id', 'msg id', '*run id', '*execution id', '*invocation id', '*event id', '*order id', '*job id', '*record id', '*document id', '*doc id', '*file id', '*item id', '*product id', '*patient id', '*booking id', '*invoice id', '*payment id', '*ticket id', '*post id', '*comment id', '*article id', '*video id', '*image id', '*upload id', '*device id', '*cart id', '*checkout id', '*entity id', '*message uuid', '*response id', '*completion id', '*chat id', '*call id', '*idempotency key', 'nonce'],
    what: 'ids of requests, sessions, events and records',
    advice: ids,
    valueNames: true,
  },
  {
    // `*id`: any `<entity>_id` / `<entity>Id` (connection, tenant, task ids); a bounded value (an enum, a
    // literal union, a fixed list) still overrides the name where the code shows it.
    names: ['id', '*id', 'uuid', '*uuid', 'guid', '*guid', 'ulid', '*ulid'],
    what: 'unique ids',
    advice: ids,
    valueNames: true,
  },
  {
    names: ['email', 'e mail', 'mail', '*email address', '*user email', '*customer email', '*sender email', '*recipient email', '*account email'],
    what: 'email addresses',
    advice: 'Drop the label: an email address is both unbounded and personal data. Record it in logs or on a span if you must.',
    valueNames: true,
  },
  {
    names: ['ip', 'ips', '*client ip', '*remote ip', '*source ip', '*user ip', '*peer ip', '*visitor ip', 'ip address', '*client ip address', '*remote addr', '*remote address', '*client address', '*peer address', '*x forwarded for', '*user agent', '*user agent original'],
    what: 'client addresses and user agents',
    advice: 'Drop the label, or map the value to a bounded class first (country, ASN, browser family).',
    valueNames: true,
  },
  {
    names: ['url', 'uri', '*request url', '*request uri', '*full url', '*url full', '*http url', '*page url', '*raw url', 'href', '*referer', '*referrer', 'pathname', '*raw path', '*http target'],
    what: 'raw URLs',
    advice: 'Label with the route template (Express `req.route.path`, Fastify `request.routeOptions.url`) instead of the URL the client sent.',
    valueNames: true,
  },
  {
    names: ['path', '*url path', '*request path', '*http path', '*file path', '*full path'],
    what: 'raw paths',
    reportName: false,
    advice: 'Label with the route template (Express `req.route.path`, Fastify `request.routeOptions.url`) instead of the raw path.',
  },
  {
    names: ['query', '*search query', '*query string', 'qs', '*url query', '*search term', '*db statement', '*db query text', '*sql', '*query text', 'prompt text'],
    what: 'query strings and query text',
    advice: 'Drop the label; label with the operation name (a bounded set) and keep the text in traces or logs.',
    valueNames: true,
  },
  {
    names: ['message', '*error message', '*err message', '*error msg', '*err msg', '*exception message', '*error text', '*error detail', '*error details', 'stack', '*error stack', '*stack trace', '*stacktrace', 'body', '*request body', '*response body'],
    what: 'free text such as error messages',
    advice: 'Label with a bounded error class (`err.name`, an error code or status) and log the message itself.',
    valueNames: true,
  },
  {
    names: ['*duration ms', '*duration seconds', '*duration sec', '*latency ms', '*latency seconds', '*elapsed ms', '*elapsed seconds', '*elapsed time', '*response time ms', '*size bytes', '*byte count', '*row count', '*token count'],
    what: 'raw measurements',
    advice: 'Record the number as the value of a histogram (or the increment of a counter), not as a label.',
  },
  {
    names: ['*timestamp', 'time', 'ts', 'date', 'datetime', '*created at', '*updated at', '*started at', '*finished at', '*start time', '*end time', 'epoch'],
    what: 'timestamps',
    advice: 'Drop the label: time is already the axis of every series; record the instant as the sample value of a gauge if you need it.',
    valueNames: true,
  },
];

/**
 * Ids of entities a deployment has a handful of, which `*id` would otherwise take for unique ids: the
 * provider and model an LLM call went to (OpenTelemetry's GenAI conventions put `gen_ai.provider.name`
 * and `gen_ai.request.model` on every client metric), the region, zone and environment it ran in.
 * Terms as for the dimensions above (`*provider id` also covers `default_provider_id`); the rule's
 * `boundedNames` extend the list.
 */
export const boundedIdNames = ['*provider id', '*model id', '*region id', '*zone id', '*environment id', '*env id'];

/** Where a label value comes from when it is unbounded, with what to do about it. */
export interface ValueSource {
  what: string;
  advice: string;
}

const route: ValueSource = { what: 'the raw request URL or path', advice: 'Label with the route template (Express `req.route.path`, Fastify `request.routeOptions.url`) so `/users/42` and `/users/43` share one series.' };
const input: ValueSource = { what: 'client input', advice: 'Never label with request input; map it to a bounded set of values first, or record it on a span or in logs.' };
const errorText: ValueSource = { what: 'error text', advice: 'Label with a bounded error class (`err.name`, `err.code` or the status) and log the message.' };
const time: ValueSource = { what: 'a timestamp', advice: 'Drop the label: time is already the axis of every series.' };
const random: ValueSource = { what: 'a random or unique value', advice: 'Drop the label: a fresh value per call creates a fresh series per call. Use exemplars or a span attribute to link to individual events.' };
const serialized: ValueSource = { what: 'a serialised object', advice: 'Label with the few bounded fields you need, not the whole object.' };

/**
 * HTTP request objects of the common Node frameworks (Express, Koa, Fastify, Hono, Next.js, AWS
 * Lambda), as access paths from a variable name: members and methods that carry client input.
 */
export const requestObjects = {
  receivers: ['req', 'request', 'ctx', 'ctx.request', 'ctx.req', 'c.req', 'context.req', 'context.request', 'event', 'incomingMessage'],
  /** Members whose value is unbounded; `*` members are containers (`req.params.id`, `req.headers['x-user']`). */
  members: {
    url: route,
    originalUrl: route,
    path: route,
    href: route,
    rawPath: route,
    pathname: route,
    search: route,
    querystring: route,
    rawQueryString: route,
    ip: { what: 'the client IP address', advice: 'Drop the label, or map the address to a bounded class (country, ASN).' },
    ips: { what: 'the client IP addresses', advice: 'Drop the label, or map the address to a bounded class (country, ASN).' },
    'params.*': input,
    'query.*': input,
    'body.*': input,
    'headers.*': input,
    'cookies.*': input,
    'pathParameters.*': input,
    'queryStringParameters.*': input,
    'searchParams.*': input,
  } as Record<string, ValueSource>,
  /** Methods returning client input: Express `req.get(h)`/`req.header(h)`, Hono `c.req.param()`/`query()`. */
  methods: { get: input, header: input, param: input, query: input, cookie: input, queries: input } as Record<string, ValueSource>,
  /** Members that are bounded: route templates, mount paths, methods and status codes. */
  bounded: ['route.path', 'routeOptions.url', 'routerPath', 'routePath', '_matchedRoute', 'baseUrl', 'method', 'httpMethod', 'requestContext.httpMethod', 'requestContext.routeKey', 'routeKey', 'resourcePath', 'requestContext.resourcePath'],
};

/** Members bounded on any object: HTTP status codes and methods. */
export const boundedMembers = ['statusCode', 'status', 'method', 'route.path', 'routeOptions.url'];

/** Error values: the text is unbounded; the class, code and status are not. */
export const errors = {
  /** Variable names that denote errors (besides `catch` bindings and `.catch(err => ...)` parameters). */
  names: ['e', 'err', 'error', 'ex', 'exc', 'exception', 'cause', 'reason'],
  text: { members: ['message', 'stack', 'stackTrace', 'details'], source: errorText },
  bounded: ['name', 'code', 'constructor.name', 'status', 'statusCode', 'errno', 'type'],
};

/**
 * Calls and constructions whose results are unbounded, as `module#export.path` (`global#` for globals;
 * `node:` prefixes are ignored). Methods of the results (`.toISOString()`, `.toString()`) keep them unbounded.
 */
export const unboundedCalls: Record<string, ValueSource> = {
  'global#Date.now': time,
  'global#performance.now': time,
  'global#process.hrtime': time,
  'global#process.hrtime.bigint': time,
  'global#Date': time,
  'global#Math.random': random,
  'global#crypto.randomUUID': random,
  'global#JSON.stringify': serialized,
  'crypto#randomUUID': random,
  'crypto#randomBytes': random,
  'crypto#randomInt': random,
  'uuid#v1': random,
  'uuid#v4': random,
  'uuid#v6': random,
  'uuid#v7': random,
  'uuid#default': random,
  'nanoid#nanoid': random,
  'ulid#ulid': random,
  'ulidx#ulid': random,
  'cuid#default': random,
  '@paralleldrive/cuid2#createId': random,
  'perf_hooks#performance.now': time,
};

/** `new X(...)` whose result is unbounded (`new Date()`). */
export const unboundedConstructors: Record<string, ValueSource> = {
  'global#Date': time,
};

/** Unbounded sources that are syntax rather than a call. */
export const syntaxSources = {
  template: { what: 'a template literal with expressions', advice: 'Label with each bounded part separately, or map the value to a bounded set before labelling.' } as ValueSource,
  concat: { what: 'string concatenation', advice: 'Label with each bounded part separately, or map the value to a bounded set before labelling.' } as ValueSource,
  errorValue: { what: 'an error value (its text)', advice: 'Label with a bounded error class (`err.name`, `err.code` or the status) and log the message.' } as ValueSource,
};
