/**
 * `tsx src/bundle-workflows.ts [--tracing]`: prints the workflow bundle on stdout. The desk runs it as a
 * child process (src/worker.ts, bundleTicketWorkflowsApart) so webpack's memory stays here.
 */
import { bundleTicketWorkflows } from './worker';

// --tracing: with OpenTelemetry's workflow interceptors (src/infra/tracing.ts).
bundleTicketWorkflows({ tracing: process.argv.includes('--tracing') }).then(
  ({ code }) => process.stdout.write(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
