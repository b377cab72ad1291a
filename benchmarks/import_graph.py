"""Figures of the project's import graph for issue #13: upward edges between layers, import
circles (strongly connected components of modules) and imports of project modules made inside
functions. Run from the repository root: `python benchmarks/import_graph.py`."""

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAYERS = [
    ["home"],
    ["library_pages", "registrations", "jobs"],
    ["events", "makerspace", "catalogue", "central"],
    ["sitegen"],
]
PACKAGES = [name for layer in LAYERS for name in layer if (ROOT / name).is_dir()]
LEVEL = {name: level for level, layer in enumerate(LAYERS) for name in layer}


def _strongly_connected(graph, modules):
    """Tarjan's algorithm over the project's modules (iterative)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    edges = {
        m: [n for n in graph.find_modules_directly_imported_by(m) if n in modules] for m in modules
    }
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def _function_level_imports(packages):
    count = 0
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                        if node.module.split(".")[0] in PACKAGES:
                            count += 1
                    elif isinstance(node, ast.ImportFrom) and node.level:
                        count += 1
                    elif isinstance(node, ast.Import):
                        count += sum(a.name.split(".")[0] in PACKAGES for a in node.names)
    return count


def main() -> None:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    modules = {m for m in graph.modules if ".migrations" not in m}
    upward = []
    for importer in sorted(modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in modules:
                continue
            a, b = importer.split(".")[0], imported.split(".")[0]
            if LEVEL[b] > LEVEL[a]:
                upward.append((importer, imported))
    circles = _strongly_connected(graph, modules)
    out = sys.stdout
    out.write(f"modules: {len(modules)}\n")
    out.write(f"upward edges (a lower layer imports a higher one): {len(upward)}\n")
    for importer, imported in upward:
        out.write(f"  {importer} -> {imported}\n")
    sizes = sorted((len(c) for c in circles), reverse=True)
    out.write(f"import circles: {len(circles)}; sizes: {sizes}\n")
    for circle in circles:
        out.write(f"  {len(circle)}: {', '.join(circle)}\n")
    inside = _function_level_imports(PACKAGES)
    out.write(f"imports of project modules inside functions: {inside}\n")


if __name__ == "__main__":
    main()
