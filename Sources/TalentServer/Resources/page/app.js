// The page of `talent serve`: search, directory and gaps over the JSON API. The address bar holds the
// state (/?q=焊工&offset=10, /?view=directory&by=skill), so every view can be bookmarked and shared.
"use strict";

const TEXT = {
  zh: {
    tagline: "人才需求检索与分析", search: "检索", directory: "需求目录", gaps: "技能差距", langToggle: "English",
    queryPlaceholder: "例如：数控车工 深圳  或  \"PLC 编程\" salary>=8000", matchDefault: "默认匹配",
    matchAll: "全部词", matchAny: "任一词", expand: "同义词与译名", searchButton: "搜索",
    searchHint: "语法：\"短语\"  A OR B  -排除  title:焊工  region:深圳  skills:PLC  salary>=8000  posted>=2025-01-01",
    results: (from, to, total) => `第 ${from}–${to} 条，共 ${total} 条匹配职位`, none: "没有匹配的职位",
    prev: "上一页", next: "下一页", page: (p, n) => `第 ${p} / ${n} 页`,
    facetNames: { city: "城市", region: "地区", industry: "行业", skills: "技能", occupation: "职业", education: "学历" },
    groupBy: "分组", byOccupation: "职业", byOccupationGroup: "职业中类", bySkill: "技能", byRegion: "地区", byIndustry: "行业",
    where: "筛选", wherePlaceholder: "如 region:深圳 或 PLC OR 机器视觉", since: "起", until: "止", top: "条数",
    show: "生成目录", download: "下载：", curriculum: "课程（每行一个技能，或 CSV/Markdown 课程表）",
    curriculumPlaceholder: "PLC编程\n焊接\n机器视觉\nSolidWorks", file: "或读取文件", type: "格式",
    typeList: "技能列表", compare: "对比需求", loading: "正在计算…", footer: "talent：招聘数据 → 人才需求目录",
    skillsLabel: "技能", idLabel: "编号", perMonth: "/月",
  },
  en: {
    tagline: "talent demand search and analytics", search: "Search", directory: "Directory", gaps: "Skill gaps",
    langToggle: "中文", queryPlaceholder: "e.g. CNC machinist Shenzhen   or   \"PLC programming\" salary>=8000",
    matchDefault: "default matching", matchAll: "all words", matchAny: "any word", expand: "synonyms & translations",
    searchButton: "Search",
    searchHint: "Syntax: \"phrase\"  A OR B  -exclude  title:welder  region:深圳  skills:PLC  salary>=8000  posted>=2025-01-01",
    results: (from, to, total) => `${from}–${to} of ${total} matching postings`, none: "No matching postings",
    prev: "Previous", next: "Next", page: (p, n) => `page ${p} of ${n}`,
    facetNames: { city: "City", region: "Region", industry: "Industry", skills: "Skills", occupation: "Occupation", education: "Education" },
    groupBy: "Group by", byOccupation: "occupation", byOccupationGroup: "occupation group", bySkill: "skill", byRegion: "region", byIndustry: "industry",
    where: "Filter", wherePlaceholder: "e.g. region:深圳 or PLC OR 机器视觉", since: "Since", until: "Until", top: "Rows",
    show: "Build directory", download: "Download: ",
    curriculum: "Curriculum (one skill a line, or a CSV/Markdown course list)",
    curriculumPlaceholder: "PLC programming\nwelding\nmachine vision\nSolidWorks", file: "or read a file", type: "Format",
    typeList: "skill list", compare: "Compare with demand", loading: "Working…",
    footer: "talent: job postings → talent demand directory", skillsLabel: "Skills", idLabel: "id", perMonth: " CNY/month",
  },
};

// Cities rather than regions as written: 深圳, 深圳·南山区 and Guangdong·Shenzhen are one value.
const FACETS = ["city", "industry", "skills", "education"];
const PAGE_SIZE = 10;
const params = new URLSearchParams(location.search);
let lang = ["zh", "en"].includes(params.get("lang")) ? params.get("lang")
  : (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key];

function applyText() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = t(el.dataset.tp); });
  $("lang-toggle").textContent = t("langToggle");
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// Highlight ranges are UTF-8 byte offsets (what the CLI's --json gives); cut the bytes, then decode the parts.
function highlighted(text, ranges) {
  const span = el("span");
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  let at = 0;
  for (const [start, end] of [...(ranges || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > bytes.length) continue;
    span.append(decoder.decode(bytes.slice(at, start)));
    span.append(el("mark", { text: decoder.decode(bytes.slice(start, end)) }));
    at = end;
  }
  span.append(decoder.decode(bytes.slice(at)));
  return span;
}

async function api(url, init) {
  const response = await fetch(url, init);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const message = body && body.error ? body.error + (body.detail ? "\n" + body.detail : "") : String(body);
    throw new Error(message);
  }
  return body;
}

function showError(target, error) {
  target.replaceChildren(el("span", { class: "error", text: error.message }));
}

// MARK: search

function salary(hit) {
  const lo = hit.salary_min, hi = hit.salary_max;
  if (lo != null && hi != null && lo !== hi) return `${lo}-${hi}${t("perMonth")}`;
  if (lo != null || hi != null) return `${lo ?? hi}${t("perMonth")}`;
  return null;
}

function renderHit(hit) {
  const facts = [hit.employer, hit.region, salary(hit), hit.posted].filter(Boolean).join(" · ");
  const item = el("li", { "data-id": hit.id },
    el("div", { class: "title" }, highlighted(hit.title, hit.title_highlights)),
    el("div", { class: "facts", text: facts }),
    el("div", { class: "snippet" }, highlighted(hit.snippet, hit.highlights)));
  if (hit.skills && hit.skills.length) {
    const skills = el("div", { class: "skills" });
    for (const s of hit.skills.slice(0, 8)) skills.append(el("span", { text: s }));
    item.append(skills);
  }
  item.append(el("div", { class: "meta", text: `#${hit.rank} · ${t("idLabel")} ${hit.id} · ${hit.score.toFixed(2)}` }));
  return item;
}

// Quoted, so the clause matches the value's words in order (region:"江苏·苏州", not 江苏 or 苏州 alone): the
// drill-down then finds as many postings as the facet counted.
function facetClause(field, value) {
  return `${field}:"${value.replace(/"/g, " ")}"`;
}

function renderFacets(facets, query) {
  const aside = $("facets");
  aside.replaceChildren();
  for (const field of FACETS) {
    const values = (facets[field] || []).slice(0, 12);
    if (!values.length) continue;
    const list = el("ul", { "data-facet": field });
    for (const { value, count } of values) {
      const q = `${query} ${facetClause(field, value)}`.trim();
      const link = el("a", { href: `/?q=${encodeURIComponent(q)}&lang=${lang}`, title: value, text: value });
      link.addEventListener("click", (e) => { e.preventDefault(); go({ q, offset: 0 }); });
      list.append(el("li", {}, link, el("span", { class: "count", text: String(count) })));
    }
    aside.append(el("h3", { text: t("facetNames")[field] || field }), list);
  }
}

async function runSearch(q, offset) {
  $("q").value = q;
  if (!q.trim()) { $("results").replaceChildren(); $("summary").textContent = ""; $("facets").replaceChildren(); $("pager").replaceChildren(); return; }
  const url = new URLSearchParams({ q, n: PAGE_SIZE, offset });
  for (const f of FACETS) url.append("facet", f);
  if ($("match").value) url.set("match", $("match").value);
  if (!$("expand").checked) url.set("expand", "false");
  $("summary").textContent = t("loading");
  try {
    const data = await api(`/api/search?${url}`);
    $("results").replaceChildren(...data.hits.map(renderHit));
    $("summary").textContent = data.hits.length
      ? t("results")(offset + 1, offset + data.hits.length, data.total) : t("none");
    renderFacets(data.facets, q);
    renderPager(q, offset, data.total);
  } catch (error) {
    $("results").replaceChildren(); $("facets").replaceChildren(); $("pager").replaceChildren();
    showError($("summary"), error);
  }
}

function renderPager(q, offset, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  const pager = $("pager");
  pager.replaceChildren();
  if (pages <= 1) return;
  const prev = el("button", { type: "button", text: t("prev") });
  const next = el("button", { type: "button", text: t("next") });
  prev.disabled = offset === 0;
  next.disabled = offset + PAGE_SIZE >= total;
  prev.addEventListener("click", () => go({ q, offset: Math.max(0, offset - PAGE_SIZE) }));
  next.addEventListener("click", () => go({ q, offset: offset + PAGE_SIZE }));
  pager.append(prev, el("span", { text: t("page")(Math.floor(offset / PAGE_SIZE) + 1, pages) }), next);
}

// MARK: directory and gaps

function directoryURL(format) {
  const form = new FormData($("directory-form"));
  const url = new URLSearchParams({ format, lang });
  for (const [k, v] of form) if (String(v).trim()) url.set(k, v);
  return `/api/directory?${url}`;
}

async function runDirectory() {
  for (const a of document.querySelectorAll(".downloads a")) a.href = directoryURL(a.dataset.format);
  $("directory-status").textContent = t("loading");
  try {
    const html = await api(directoryURL("html"));
    $("directory-frame").srcdoc = html;
    $("directory-status").textContent = "";
  } catch (error) {
    showError($("directory-status"), error);
  }
}

async function runGaps() {
  const form = new FormData($("gaps-form"));
  const url = new URLSearchParams({ format: "html", lang, type: form.get("type") });
  if (String(form.get("where") || "").trim()) url.set("where", form.get("where"));
  $("gaps-status").textContent = t("loading");
  try {
    const html = await api(`/api/gaps?${url}`, { method: "POST", body: form.get("curriculum") });
    $("gaps-frame").srcdoc = html;
    $("gaps-status").textContent = "";
  } catch (error) {
    showError($("gaps-status"), error);
  }
}

// MARK: navigation

function go(state) {
  const next = new URLSearchParams();
  if (state.view && state.view !== "search") next.set("view", state.view);
  if (state.q !== undefined) next.set("q", state.q);
  if (state.offset) next.set("offset", state.offset);
  next.set("lang", lang);
  history.pushState(null, "", `/?${next}`);
  route();
}

function route() {
  const p = new URLSearchParams(location.search);
  const view = p.get("view") || "search";
  for (const name of ["search", "directory", "gaps"]) $(`${name}-view`).hidden = name !== view;
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  if (view === "search") runSearch(p.get("q") || "", Math.max(0, parseInt(p.get("offset") || "0", 10) || 0));
  if (view === "directory") {
    for (const k of ["by", "where", "since", "until", "top"]) if (p.get(k)) $("directory-form").elements[k].value = p.get(k);
    runDirectory();
  }
}

$("search-form").addEventListener("submit", (e) => { e.preventDefault(); go({ q: $("q").value, offset: 0 }); });
$("directory-form").addEventListener("submit", (e) => { e.preventDefault(); runDirectory(); });
$("gaps-form").addEventListener("submit", (e) => { e.preventDefault(); runGaps(); });
$("gaps-form").elements.file.addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  $("gaps-form").elements.curriculum.value = await file.text();
  const ext = file.name.split(".").pop().toLowerCase();
  const type = { csv: "csv", tsv: "tsv", jsonl: "json", json: "json", md: "markdown" }[ext] || "list";
  $("gaps-form").elements.type.value = type;
});
document.querySelectorAll("nav a").forEach((a) => a.addEventListener("click", (e) => {
  e.preventDefault();
  go({ view: a.dataset.view });
}));
$("lang-toggle").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  applyText();
  const p = new URLSearchParams(location.search);
  p.set("lang", lang);
  history.replaceState(null, "", `/?${p}`);
  route();
});
window.addEventListener("popstate", route);
applyText();
route();
