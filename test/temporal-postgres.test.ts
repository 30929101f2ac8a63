import { existsSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, WorkflowClient } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase } from '../src/infra/postgres-server';
import { startTemporalPostgres, type TemporalPostgresServer } from '../src/infra/temporal-postgres';

const toolsDir = path.resolve(__dirname, '..', '.tools');
const built = existsSync(path.join(toolsDir, 'bin', 'temporal-server'));

/**
 * `npm run temporal:postgres` on the test run's PostgreSQL, on databases of its own. Only where
 * the Go build has been done (it takes ~10 minutes on 2 cores: `npm run temporal:postgres -- --check`
 * once); elsewhere skipped, as the browser tests are without Chromium.
 */
describe.skipIf(!built)('the Temporal server on PostgreSQL', () => {
  const databases = { main: `temporal_test_${process.pid}`, visibility: `temporal_test_${process.pid}_visibility` };
  const adminUrl = inject('adminDatabaseUrl');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-postgres-'));
  let server: TemporalPostgresServer | undefined;
  const start = () =>
    startTemporalPostgres({
      toolsDir,
      dataDir,
      databaseUrl: adminUrl,
      port: 0,
      numHistoryShards: 2,
      namespace: 'default',
      databases,
      log: () => {},
    });

  afterAll(async () => {
    await server?.stop();
    await dropDatabase(adminUrl, databases.main);
    await dropDatabase(adminUrl, databases.visibility);
  });

  it(
    'keeps a workflow in PostgreSQL across a restart, its schema and namespace set up once',
    { timeout: 240_000 },
    async () => {
      server = await start();
      const workflowId = `kept-${process.pid}`;
      let connection = await Connection.connect({ address: server.address });
      const info = await connection.workflowService.getClusterInfo({});
      expect(info).toMatchObject({
        persistenceStore: 'postgres12',
        visibilityStore: 'postgres12',
        historyShardCount: 2,
      });
      // No worker polls this queue: the workflow only waits, which is all a restart has to keep.
      await new WorkflowClient({ connection }).start('nobodyRunsThis', { taskQueue: 'no-worker', workflowId });
      await connection.close();
      await server.stop();

      server = await start();
      connection = await Connection.connect({ address: server.address });
      const client = new WorkflowClient({ connection });
      const described = await client.getHandle(workflowId).describe();
      expect(described.status.name).toBe('RUNNING');
      await client.getHandle(workflowId).terminate('test over');
      await connection.close();
    },
  );
});
