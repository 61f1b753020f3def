"""The peer side of vigil_sliding_window_bench: exports a small 3-D conv net as TorchScript, writes a
random input volume, and times MONAI's sliding_window_inference running that same TorchScript file
(Gaussian blending, the same overlap, window and batch). Prints one JSON line.

With --interleave it times one call per "run" line read from stdin (answering {"ms": ...}) until
"done": the caller alternates these with its own runs, so both sides see the same machine load.

usage: monai_sliding_window.py --out DIR --size D H W --window N --channels C --batch B
                               --device cpu|cuda --reps R [--interleave]
"""
import argparse
import json
import sys
import time

import monai
import torch
from monai.inferers import sliding_window_inference


class Net(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.a = torch.nn.Conv3d(1, channels, 3, padding=1)
        self.b = torch.nn.Conv3d(channels, channels, 3, padding=1)
        self.c = torch.nn.Conv3d(channels, 2, 1)

    def forward(self, x):
        return self.c(torch.relu(self.b(torch.relu(self.a(x)))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, nargs=3, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--channels", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--device", default="cpu")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--interleave", action="store_true")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    torch.jit.script(Net(a.channels).eval()).save(f"{a.out}/model.pt")
    volume = torch.rand(*a.size)
    volume.numpy().tofile(f"{a.out}/input.f32")
    device = torch.device(a.device)
    model = torch.jit.load(f"{a.out}/model.pt", map_location=device).eval()
    inputs = volume.to(device)[None, None]
    w = (a.window,) * 3

    def run():
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16, enabled=device.type == "cuda"):
            out = sliding_window_inference(inputs, w, a.batch, model, overlap=0.5, mode="gaussian",
                                           sigma_scale=0.125, padding_mode="constant", cval=0.0)
        if device.type == "cuda":
            torch.cuda.synchronize()
        return out

    def timed():
        t0 = time.perf_counter()
        result = run()
        return result, (time.perf_counter() - t0) * 1000

    out = run()  # warm-up
    times = []
    if a.interleave:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if line.strip() != "run":
                break
            out, ms = timed()
            times.append(ms)
            print(json.dumps({"ms": ms}), flush=True)
    else:
        for _ in range(a.reps):
            out, ms = timed()
            times.append(ms)
    out[0].float().cpu().numpy().tofile(f"{a.out}/monai_output.f32")
    times.sort()
    print(json.dumps({"monai_ms": times[len(times) // 2], "monai_version": monai.__version__,
                      "torch_threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
