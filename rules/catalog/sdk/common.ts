/** Knowledge shared by several SDK models. */

/**
 * The generic HTTP helpers of the Stainless-generated clients (OpenAI, Anthropic, Groq, Together, ...):
 * `client.post('/chat/completions', ...)` is a request whose meaning depends on the path, which the catalog
 * does not read; the typed resources are what it classifies.
 */
export const httpClientMethods = [
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'request',
  'getAPIList',
  'requestAPIList',
  'buildRequest',
  'buildURL',
  'buildHeaders',
  'fetchWithTimeout',
  'calculateNonstreamingTimeout',
  'makeStatusError',
];
