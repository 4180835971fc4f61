import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The scripts and styles a report inlines, read once per process: uPlot as
 * its package ships it, and faultline's drawing code beside this file.
 */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
}

let assets: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string | URL) => readFileSync(path, 'utf8');
  assets = {
    uplotJs: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    chartsJs: read(new URL('./client/charts.js', import.meta.url)),
  };
  return assets;
}

/** Text safe inside a <script> element: no "</script" or "<!--" can close or confuse it. */
export function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
