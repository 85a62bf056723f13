import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Entity {
  name: string;
  entityType: string;
  observations: string[];
}
export interface Relation {
  from: string;
  to: string;
  relationType: string;
}
export interface Graph {
  entities: Entity[];
  relations: Relation[];
}

const defaultPath = path.join(path.dirname(fileURLToPath(import.meta.url)), "memory.json");
export const MEMORY_FILE = process.env.MEMORY_FILE_PATH
  ? path.resolve(process.env.MEMORY_FILE_PATH)
  : defaultPath;

export async function loadGraph(): Promise<Graph> {
  try {
    return JSON.parse(await fs.readFile(MEMORY_FILE, "utf8")) as Graph;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { entities: [], relations: [] };
    throw err;
  }
}

export async function saveGraph(graph: Graph): Promise<void> {
  const tmp = `${MEMORY_FILE}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(graph, null, 2));
  await fs.rename(tmp, MEMORY_FILE);
}
