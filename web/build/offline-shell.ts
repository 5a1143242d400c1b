// A Vite plugin that writes the service worker (sw.js) with the list of files the phone
// app needs offline, and a gzip copy of every text file for the server to send. Written
// here rather than taken from workbox: the whole job is ~60 lines and adds no dependency.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import type { Plugin } from 'vite';

type Chunk = {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  imports: string[];
  facadeModuleId: string | null;
  viteMetadata?: { importedCss: Set<string> };
};

// Modules whose chunks the phone app needs with no signal: the entry, sign-in and the
// phone pages. The desk and the board (Element Plus, ECharts) load on demand instead.
const isOfflineModule = (id: string | null) =>
  !!id && (/\/pages\/phone\//.test(id) || /\/pages\/LoginPage\.vue$/.test(id));

export function offlineShell(templatePath: string): Plugin {
  return {
    name: 'gridcare-offline-shell',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Chunk>();
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.set(item.fileName, item as unknown as Chunk);
      }
      const wanted = new Set<string>(['/', '/index.html', '/manifest.webmanifest',
        '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png']);
      const add = (fileName: string) => {
        const url = '/' + fileName;
        if (wanted.has(url)) return;
        wanted.add(url);
        const chunk = chunks.get(fileName);
        if (!chunk) return;
        chunk.viteMetadata?.importedCss.forEach((css) => wanted.add('/' + css));
        chunk.imports.forEach(add);
      };
      for (const chunk of chunks.values()) {
        if (chunk.isEntry || isOfflineModule(chunk.facadeModuleId)) add(chunk.fileName);
      }
      const files = [...wanted].sort();
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
      const source = readFileSync(templatePath, 'utf8')
        .replace('__PRECACHE__', JSON.stringify(files))
        .replace('__VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
    closeBundle() {
      const out = join(process.cwd(), 'dist');
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const path of walk(out)) {
        if (!/\.(html|js|css|json|webmanifest|svg|txt)$/.test(path)) continue;
        const body = readFileSync(path);
        if (body.length < 512) continue;
        const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
        if (gz.length < body.length) writeFileSync(path + '.gz', gz);
      }
      console.log(`offline shell: gzip copies written under ${relative(process.cwd(), out)}/`);
    },
  };
}
