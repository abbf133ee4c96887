"""A small MLP with its weights in one flat tensor and a hand-written backward pass.

Why not nn.Module + autograd + torch.optim: the course's 2-D models are tiny (d2l's D has 41 weights), so a
step costs what Python and the dispatcher cost, not arithmetic. Here one update is a few dozen tensor ops
with no graph, no per-parameter optimiser loop and no host sync: Adam or SGD updates the whole flat buffer
in four ops. The tests compare it with the same updates by nn.Module, autograd and torch.optim
(tests/autograd_reference.py).

Notation: layer i maps h_i to a_i = h_i·W_iᵀ + b_i and h_{i+1} = act(a_i); the last layer has no activation.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

ACTIVATIONS: tuple[str, ...] = ("relu", "leaky_relu", "tanh", "none")
LEAKY_SLOPE = 0.2  # DCGAN's slope for LeakyReLU


class FlatMLP:
    """Linear layers of `sizes` (e.g. [2, 5, 3, 1]) with `activation` between them, weights in `flat`."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str,
        dtype: torch.dtype = torch.float32,
        device: torch.device | str = "cpu",
        names: Sequence[str] | None = None,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation: must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
        self.sizes, self.activation = list(sizes), activation
        shapes = [(o, i) for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True)]
        total = sum(o * i + o for o, i in shapes)
        self.flat = torch.zeros(total, dtype=dtype, device=device)
        self.grad = torch.zeros_like(self.flat)
        self.names = list(names) if names is not None else [str(k) for k in range(len(shapes))]
        self._views()

    def _views(self) -> None:
        """Each layer's weight and bias (and their gradients) as views into the flat buffers."""
        self.weights, self.biases, self.grad_w, self.grad_b = [], [], [], []
        at = 0
        for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            for shape in ((o, i), (o,)):
                n = o * i if len(shape) == 2 else o
                (self.weights if len(shape) == 2 else self.biases).append(self.flat[at : at + n].view(shape))
                (self.grad_w if len(shape) == 2 else self.grad_b).append(self.grad[at : at + n].view(shape))
                at += n
        self.weights_t = [w.T for w in self.weights]  # views too: the forward pass needs W_iᵀ every step

    def __getstate__(self) -> dict:
        # Views are rebuilt, not copied, so a copy's layers keep pointing into its own flat buffer.
        views = ("weights", "biases", "grad_w", "grad_b", "weights_t")
        return {k: v for k, v in self.__dict__.items() if k not in views}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._views()

    @classmethod
    def from_module(cls, module: nn.Module) -> FlatMLP:
        """The same network as an nn.Linear or an nn.Sequential of Linear layers and one activation kind."""
        layers = [(name, m) for name, m in module.named_modules() if isinstance(m, nn.Linear)]
        kinds = {type(m) for m in module.modules()} & {nn.ReLU, nn.LeakyReLU, nn.Tanh}
        if len(kinds) > 1:
            raise ValueError("from_module: one activation kind only")
        kind = next(iter(kinds), None)
        activation = {nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Tanh: "tanh", None: "none"}[kind]
        sizes = [layers[0][1].in_features] + [m.out_features for _, m in layers]
        p = layers[0][1].weight
        net = cls(sizes, activation, p.dtype, p.device, names=[name for name, _ in layers])
        with torch.no_grad():
            for k, (_, m) in enumerate(layers):
                net.weights[k].copy_(m.weight)
                net.biases[k].copy_(m.bias)
        return net

    def named_tensors(self) -> dict[str, Tensor]:
        """Views of the weights by nn.Module-style name ("0.weight", or "weight" for a single layer)."""
        out = {}
        for name, w, b in zip(self.names, self.weights, self.biases, strict=True):
            prefix = f"{name}." if name else ""
            out[f"{prefix}weight"], out[f"{prefix}bias"] = w, b
        return out

    def _act(self, a: Tensor) -> Tensor:
        if self.activation == "tanh":
            return torch.tanh(a)
        if self.activation == "relu":
            return torch.relu(a)
        if self.activation == "leaky_relu":
            return torch.nn.functional.leaky_relu(a, LEAKY_SLOPE)
        return a

    def _act_grad_(self, g: Tensor, h: Tensor) -> Tensor:
        """g ← g · act′(a), written with the activation's output h = act(a)."""
        if self.activation == "tanh":
            return torch.ops.aten.tanh_backward(g, h)  # g·(1 − h²), as tanh′ = 1 − tanh², in one op
        if self.activation == "relu":
            return g.mul_(h > 0)
        if self.activation == "leaky_relu":
            return g.mul_(torch.where(h > 0, 1.0, LEAKY_SLOPE))
        return g

    def forward(self, x: Tensor) -> tuple[Tensor, list[Tensor]]:
        """(output, the inputs h_i of every layer, for backward)."""
        hs = [x]
        last = len(self.weights) - 1
        for k, (w_t, b) in enumerate(zip(self.weights_t, self.biases, strict=True)):
            a = torch.addmm(b, hs[-1], w_t)
            if k == last:
                return a, hs
            hs.append(self._act(a))
        raise AssertionError("unreachable")

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)[0]

    def backward(self, hs: list[Tensor], grad_out: Tensor, *, params: bool = True) -> Tensor:
        """∂L/∂x given ∂L/∂output; with params=True also writes ∂L/∂weights into `grad` (overwriting)."""
        g = self._backward(hs, grad_out, params, to_input=True)
        assert g is not None
        return g

    def backward_params(self, hs: list[Tensor], grad_out: Tensor) -> None:
        """Writes ∂L/∂weights into `grad` (overwriting), without the input's gradient that no update uses."""
        self._backward(hs, grad_out, True, to_input=False)

    def _backward(self, hs: list[Tensor], g: Tensor, params: bool, *, to_input: bool) -> Tensor | None:
        for k in range(len(self.weights) - 1, -1, -1):
            if params:
                torch.mm(g.T, hs[k], out=self.grad_w[k])  # ∂L/∂W_k = gᵀ·h_k
                torch.sum(g, 0, out=self.grad_b[k])  # ∂L/∂b_k = Σ_rows g
            if not k and not to_input:
                return None
            g = g @ self.weights[k]  # ∂L/∂h_k
            if k:
                g = self._act_grad_(g, hs[k])
        return g
