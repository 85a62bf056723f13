import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = [
  process.env.CHROME_PATH,
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

export function findChrome(): string {
  const found = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));
  if (!found) throw new Error("Chromium not found; set CHROME_PATH");
  return found;
}

export function launchChrome(port: number, headless: boolean): ChildProcess {
  const profile = mkdtempSync(join(tmpdir(), "browser-pilot-"));
  const args = [
    `--remote-debugging-port=${port}`,
    `--user-data-dir=${profile}`,
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    ...(headless ? ["--headless=new"] : []),
    "about:blank",
  ];
  const child = spawn(findChrome(), args, { stdio: "ignore" });
  process.on("exit", () => child.kill());
  return child;
}
