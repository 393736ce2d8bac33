/** proxy-from-env 2.x ships no types. */
declare module "proxy-from-env" {
  /** The proxy URL for `url` after HTTP(S)_PROXY, ALL_PROXY and NO_PROXY (either case), or "" to go direct. */
  export function getProxyForUrl(url: string | URL): string;
}
