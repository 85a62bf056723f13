import { renderToStaticMarkup } from "react-dom/server";

export interface CardData {
  name: string;
  version: string;
  description?: string;
  license?: string;
  dependencies: number;
  keywords: string[];
}

function Card({ data, theme }: { data: CardData; theme: "light" | "dark" }) {
  const bg = theme === "dark" ? "#0d1117" : "#ffffff";
  const fg = theme === "dark" ? "#e6edf3" : "#1f2328";
  return (
    <div style={{ background: bg, color: fg, fontFamily: "system-ui, sans-serif", padding: 16, borderRadius: 8, width: 420 }}>
      <h3 style={{ margin: 0 }}>
        {data.name} <small>v{data.version}</small>
      </h3>
      {data.description ? <p>{data.description}</p> : null}
      <p>
        {data.license ?? "unlicensed"} · {data.dependencies} dependencies
      </p>
      <ul style={{ display: "flex", gap: 6, listStyle: "none", padding: 0 }}>
        {data.keywords.slice(0, 6).map((k) => (
          <li key={k} style={{ border: `1px solid ${fg}`, borderRadius: 12, padding: "0 8px" }}>
            {k}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function renderCard(data: CardData, theme: "light" | "dark"): string {
  return renderToStaticMarkup(<Card data={data} theme={theme} />);
}

export function renderBadge(label: string, message: string, color = "#007ec6"): string {
  const w1 = 6 * label.length + 10;
  const w2 = 6 * message.length + 10;
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w1 + w2}" height="20"><rect width="${w1}" height="20" fill="#555"/><rect x="${w1}" width="${w2}" height="20" fill="${esc(color)}"/><g fill="#fff" font-family="Verdana" font-size="11"><text x="5" y="14">${esc(label)}</text><text x="${w1 + 5}" y="14">${esc(message)}</text></g></svg>`;
}
