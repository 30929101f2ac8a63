import FastifyOtelInstrumentation from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { FastifyPluginCallback } from 'fastify';

export interface TracingOptions {
  /** Where spans go: an OTLP/HTTP traces URL (…/v1/traces). */
  tracesUrl: string;
  /** service.name of every span this process sends. */
  serviceName: string;
}

/**
 * A ticket traced from its HTTP request through its workflow to each activity, with
 * OpenTelemetry: the request's span (`@fastify/otel`), the Temporal client's StartWorkflow /
 * SignalWorkflow / update spans beside it, and the workflow's and activities' spans in the
 * same trace (`@temporalio/interceptors-opentelemetry`, its context carried in Temporal's
 * headers; the workflow interceptors are bundled by src/worker.ts). Loaded only when tracing is on
 * (src/main.ts imports it then). Spans are batched and sent over OTLP/HTTP (JSON) to `tracesUrl`.
 */
export interface Tracing {
  /** The HTTP side: registered first on the API's Fastify instance, before any route. */
  readonly httpPlugin: FastifyPluginCallback;
  /** For the Temporal client of this process. */
  readonly clientInterceptors: { workflow: OpenTelemetryWorkflowClientInterceptor[] };
  /** For the worker: the activities' interceptors and the sink that exports the workflows' spans. */
  readonly workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Sends what is still batched and stops. */
  shutdown(): Promise<void>;
}

export function startTracing(options: TracingOptions): Tracing {
  const resource = new Resource({ 'service.name': options.serviceName });
  const spanProcessor: SpanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesUrl }), {
    scheduledDelayMillis: 1_000,
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider, the AsyncLocalStorage context and W3C trace context: what both instrumentations use.
  provider.register();
  const fastify = new FastifyOtelInstrumentation({
    // The request's span and its handler's: a span per hook (authentication, limits…) would bury them.
    instrumentHooks: false,
    // Probes and scrapes every few seconds would bury the tickets' traces.
    ignorePaths: (route) => /^\/(health|metrics)(\/|$)/.test(route.url),
  });
  fastify.setTracerProvider(provider);
  return {
    httpPlugin: fastify.plugin() as unknown as FastifyPluginCallback,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    workerOptions: {
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    },
    shutdown: () => provider.shutdown(),
  };
}
