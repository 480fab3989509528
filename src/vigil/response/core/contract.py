"""Travel times to one point from many, on the road graph with its chains contracted.

OpenStreetMap splits a road at every shape point, so nine nodes in ten of a drive network are "through" nodes: one
way in and one way out (a one-way chain), or the same two neighbours in both directions (a two-way chain). Only the
junctions between chains need to take part in a search. The router keeps the junctions (about a tenth of the
nodes) and one edge per chain, and remembers for each through node its chain and the times along it, so a search
runs on the small graph and every original node still gets its exact travel time:

- the target on a chain is entered from its chain's ends: a super node S, re-pointed per query, stands for it
  (an edge end -> S with the time from that end along the chain);
- a unit on a chain leaves by its chain's ends (or drives straight along the chain when the target is ahead on it).

Results equal a plain Dijkstra on the full graph (tests compare with networkx)."""

from __future__ import annotations

import threading

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

INF = np.inf


class ChainRouter:
    def __init__(self, fwd: csr_matrix):
        n = fwd.shape[0]
        rev = fwd.T.tocsr()
        through = _through_nodes(fwd, rev)
        for _ in range(5):  # a ring made only of through nodes has no junction: promote one of its nodes
            chains, stranded = _walk_chains(fwd, through)
            if not stranded:
                break
            through[stranded[0]] = False
        self.n = n
        kept = np.nonzero(~through)[0]
        self.kept = kept
        self.index_of = np.full(n, -1, dtype=np.int64)
        self.index_of[kept] = np.arange(len(kept))
        k = len(kept)
        self.k = k
        # per through node: its chain, time from chain start A to it (fa), from it to end B (xb); two-way chains
        # also B -> it (bx) and it -> A (xa)
        self.chain = np.full(n, -1, dtype=np.int64)
        self.fa, self.xb = np.full(n, INF), np.full(n, INF)
        self.bx, self.xa = np.full(n, INF), np.full(n, INF)
        ends_a, ends_b, rows, cols, weights = [], [], [], [], []
        for cid, (a, b, nodes, f_cum, total_f, b_cum, total_b) in enumerate(chains):
            ends_a.append(self.index_of[a])
            ends_b.append(self.index_of[b])
            self.chain[nodes] = cid
            self.fa[nodes] = f_cum
            self.xb[nodes] = total_f - f_cum
            if b_cum is not None:
                self.bx[nodes] = b_cum
                self.xa[nodes] = total_b - b_cum
            # contracted edges in the REVERSED orientation (a search over it gives times TO its source)
            if a != b:
                rows.append(self.index_of[b]), cols.append(self.index_of[a]), weights.append(total_f)
                if b_cum is not None:
                    rows.append(self.index_of[a]), cols.append(self.index_of[b]), weights.append(total_b)
        self.chain_a = np.array(ends_a, dtype=np.int64)
        self.chain_b = np.array(ends_b, dtype=np.int64)
        # direct junction-to-junction edges
        coo = fwd.tocoo()
        direct = (~through[coo.row]) & (~through[coo.col])
        rows += self.index_of[coo.col[direct]].tolist()
        cols += self.index_of[coo.row[direct]].tolist()
        weights += coo.data[direct].tolist()
        self._matrix = _with_super_node(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                                        np.array(weights, dtype=float), k)
        self._lock = threading.Lock()

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_lock")
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def times_to(self, target: int, sources) -> np.ndarray:
        """Seconds from each original node in ``sources`` to original node ``target``."""
        sources = np.asarray(sources, dtype=np.int64)
        with self._lock:
            dist = self._search(target)
        return self._leave(target, sources, dist)

    def _search(self, target: int) -> np.ndarray:
        matrix, s = self._matrix, self.k
        if self.index_of[target] >= 0:
            return dijkstra(matrix, directed=True, indices=int(self.index_of[target]))
        c = self.chain[target]
        slots = slice(matrix.indptr[s], matrix.indptr[s + 1])
        a, b = self.chain_a[c], self.chain_b[c]
        from_a, from_b = self.fa[target], self.bx[target]  # from_b is inf on a one-way chain
        if a == b:  # a loop back to its own junction: entered from either side
            from_a, from_b = min(from_a, from_b), INF
        matrix.indices[slots] = [a, b if np.isfinite(from_b) else s]  # an unused slot loops on S
        matrix.data[slots] = [from_a, from_b if np.isfinite(from_b) else 1.0]
        return dijkstra(matrix, directed=True, indices=s)

    def _leave(self, target: int, sources: np.ndarray, dist: np.ndarray) -> np.ndarray:
        out = np.full(len(sources), INF)
        kept = self.index_of[sources]
        on_junction = kept >= 0
        out[on_junction] = dist[kept[on_junction]]
        inner = ~on_junction
        if inner.any():
            src = sources[inner]
            c = self.chain[src]
            via_b = self.xb[src] + dist[self.chain_b[c]]
            via_a = self.xa[src] + dist[self.chain_a[c]]
            best = np.minimum(via_b, via_a)
            tc = self.chain[target]
            if tc >= 0:  # same chain: straight along it, forwards, or backwards on a two-way chain
                same = c == tc
                ahead = same & (self.fa[src] <= self.fa[target])
                best[ahead] = np.minimum(best[ahead], self.fa[target] - self.fa[src[ahead]])
                behind = same & (self.fa[src] > self.fa[target]) & np.isfinite(self.bx[src])
                best[behind] = np.minimum(best[behind], self.bx[target] - self.bx[src[behind]])
            out[inner] = best
        out[sources == target] = 0.0
        return out


def _through_nodes(fwd: csr_matrix, rev: csr_matrix) -> np.ndarray:
    n = fwd.shape[0]
    through = np.zeros(n, dtype=bool)
    out_deg, in_deg = np.diff(fwd.indptr), np.diff(rev.indptr)
    for v in np.nonzero((out_deg <= 2) & (in_deg <= 2) & (out_deg >= 1))[0]:
        outs = set(fwd.indices[fwd.indptr[v]:fwd.indptr[v + 1]].tolist()) - {v}
        ins = set(rev.indices[rev.indptr[v]:rev.indptr[v + 1]].tolist()) - {v}
        if len(outs | ins) != 2:
            continue
        through[v] = (len(outs) == 1 and len(ins) == 1 and outs != ins) or (len(outs) == 2 and outs == ins)
    return through


def _weight(fwd: csr_matrix, u: int, v: int) -> float:
    row = slice(fwd.indptr[u], fwd.indptr[u + 1])
    hits = np.nonzero(fwd.indices[row] == v)[0]
    return float(fwd.data[row][hits[0]]) if len(hits) else INF


def _walk_chains(fwd: csr_matrix, through: np.ndarray):
    """Each chain once: (A, B, interior nodes, A->node times, A->B time, B->node times or None, B->A time).
    Returns the chains and any through nodes no walk reached (rings without a junction)."""
    seen = np.zeros(len(through), dtype=bool)
    chains = []
    for a in np.nonzero(~through)[0]:
        for v in fwd.indices[fwd.indptr[a]:fwd.indptr[a + 1]]:
            if not through[v] or seen[v]:
                continue
            nodes, f_steps, b_steps = [], [], []
            prev, cur = int(a), int(v)
            while True:
                f_steps.append(_weight(fwd, prev, cur))
                b_steps.append(_weight(fwd, cur, prev))
                if not through[cur]:
                    break
                nodes.append(cur)
                seen[cur] = True
                nxt = [int(x) for x in fwd.indices[fwd.indptr[cur]:fwd.indptr[cur + 1]] if x != prev]
                if not nxt:
                    nxt = [prev]
                prev, cur = cur, nxt[0]
            f = np.cumsum(f_steps)
            two_way = np.all(np.isfinite(b_steps))
            b_from_end = np.cumsum(b_steps[::-1])[::-1]  # b_steps[i] is the edge node_i -> node_{i-1}
            chains.append((int(a), cur, np.array(nodes, dtype=np.int64), f[:-1], float(f[-1]),
                           b_from_end[1:] if two_way else None, float(b_from_end[0]) if two_way else None))
    stranded = np.nonzero(through & ~seen)[0].tolist()
    return chains, stranded


def _with_super_node(rows, cols, weights, k: int) -> csr_matrix:
    """The contracted reversed graph plus node S = k with two edge slots re-pointed per query."""
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    keep &= rows != cols
    rows = np.concatenate([rows[keep], [k, k]])
    cols = np.concatenate([cols[keep], [k, k]])
    weights = np.concatenate([weights[keep], [1.0, 1.0]])
    counts = np.bincount(rows, minlength=k + 1)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    matrix = csr_matrix((weights, cols.astype(np.int32), indptr), shape=(k + 1, k + 1))
    return matrix
