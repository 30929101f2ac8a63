import type { FastifyRequest } from 'fastify';

/** Query parameters that carry a secret; their values never reach a log line. */
const SECRET_PARAMETERS = /([?&](?:token|access_token|code|state)=)[^&#]*/gi;

/**
 * The channels' webhooks carry the desk's secret as the path's segment after the channel
 * (`/channels/cti/<CTI_TOKEN>`, `/channels/sms/<SMS_TOKEN>/status`, `/channels/telegram/<path secret>`).
 */
const SECRET_PATH_SEGMENT = /^(\/channels\/[^/?#]+\/)[^/?#]+/;

export const withoutSecrets = (url: string) =>
  url.replace(SECRET_PATH_SEGMENT, '$1[redacted]').replace(SECRET_PARAMETERS, '$1[redacted]');

/**
 * The request as the access log shows it: Fastify's own fields, with secrets in the query string
 * redacted (links mailed before the survey token moved into the URL fragment still carry it), and
 * the webhooks' secrets in their paths.
 */
export function requestLogged(request: FastifyRequest) {
  return {
    method: request.method,
    url: withoutSecrets(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
