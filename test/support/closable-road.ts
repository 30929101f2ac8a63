import net from 'node:net';

/**
 * The road to the run's PostgreSQL through a local port that can be shut: connections cut and
 * new ones refused, as when the database's server is killed, then open again.
 */
export async function closableRoad(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const side of [socket, upstream]) {
      sockets.add(side);
      side.on('error', () => {});
      side.on('close', () => sockets.delete(side));
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    shut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
