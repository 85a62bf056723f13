import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

export class PathGuard {
  private readonly roots: string[];

  constructor(dirs: string[]) {
    if (dirs.length === 0) throw new Error("Usage: mcp-server-filesystem-lite <allowed-directory> [more...]");
    this.roots = dirs.map((d) => realpathSync(path.resolve(expandHome(d))));
  }

  list(): string[] {
    return [...this.roots];
  }

  /** Resolve a user path and refuse anything outside the allowed roots (symlinks included). */
  check(requested: string): string {
    const abs = path.resolve(expandHome(requested));
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      // new file: its parent must exist inside a root
      real = path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    }
    const inside = this.roots.some((root) => real === root || real.startsWith(root + path.sep));
    if (!inside) throw new Error(`Access denied: ${requested} is outside the allowed directories`);
    return real;
  }

  checkDeletable(requested: string): string {
    const real = this.check(requested);
    if (this.roots.includes(real)) throw new Error("Refusing to delete an allowed root directory");
    return real;
  }
}
