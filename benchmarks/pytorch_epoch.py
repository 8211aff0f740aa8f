#!/usr/bin/env python3
"""PyTorch side of compare-pytorch.sh: the reference MNIST model (784-512 ReLU-10, softmax cross-entropy), or with
--network convnet GenNet's MnistConvNet (Keras' example: conv 32@3x3 ReLU, max pool 2, conv 64@3x3 ReLU, max pool 2,
dropout 0.5, dense 10), or with --network narrow issue #15's 784-100-100-10 ReLU net without biases, timed the way `GenNet.Benchmarks --compare` times GenNet, printed as one JSON line.

  * epoch: RMSprop (lr 1e-3, rho 0.9, eps 1e-7) for the MLP, Adam (lr 1e-3) for the convnet, batch 128 (the narrow
    net: SGD lr 0.01 momentum 0.9, batch 800), 60,000
    training images held in memory, reshuffled each epoch, the batch gather included; one warm-up epoch, then the
    median (and minimum) of --epochs epochs;
  * forward: one test image at a time under inference_mode (softmax included), microseconds per image;
  * predict: the 10,000 test images as one batch (softmax included), images per second.

Usage: pytorch_epoch.py --threads N [--epochs E] [--data DIR] [--network mlp512|convnet|narrow]
"""
import argparse
import gzip
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(directory, name):
    for path in (os.path.join(directory, name), os.path.join(directory, name + ".gz")):
        if os.path.exists(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise FileNotFoundError(f"{name}(.gz) not found in {directory}")


def load(directory, shape):
    def images(name):
        return torch.from_numpy(read_idx(directory, name).reshape(shape).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(directory, name).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"))
    parser.add_argument("--network", choices=["mlp512", "convnet", "narrow"], default="mlp512")
    args = parser.parse_args()
    convnet = args.network == "convnet"

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x_train, y_train, x_test, y_test = load(args.data, (-1, 1, 28, 28) if convnet else (-1, 784))
    if convnet:
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Dropout(0.5), torch.nn.Flatten(), torch.nn.Linear(1600, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    elif args.network == "narrow":
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 100, bias=False), torch.nn.ReLU(),
            torch.nn.Linear(100, 100, bias=False), torch.nn.ReLU(), torch.nn.Linear(100, 10, bias=False))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    n, batch = x_train.shape[0], 800 if args.network == "narrow" else 128

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, batch):
            index = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x_train[index]), y_train[index])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up: allocator, OpenMP pool, page faults
    epoch_seconds = []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        epoch()
        epoch_seconds.append(time.perf_counter() - t0)

    model.eval()  # dropout off for the measurements below
    with torch.inference_mode():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()

        images = 2000
        forward_us = []
        for round_ in range(6):
            t0 = time.perf_counter()
            for i in range(images):
                torch.softmax(model(x_test[i:i + 1]), 1)
            if round_ > 0:
                forward_us.append((time.perf_counter() - t0) / images * 1e6)

        predict_seconds = []
        for round_ in range(11):
            t0 = time.perf_counter()
            torch.softmax(model(x_test), 1)
            if round_ > 0:
                predict_seconds.append(time.perf_counter() - t0)

    if convnet:
        # as GenNet.Benchmarks' ConvFlops: forward, every weight gradient, the input gradients of conv2 and the dense layer
        conv1, conv2, dense = 2.0 * 26 * 26 * 32 * 9, 2.0 * 11 * 11 * 64 * 32 * 9, 2.0 * 1600 * 10
        train_flops = 2 * (conv1 + conv2 + dense) + conv2 + dense
    elif args.network == "narrow":
        # as BenchData.Flops.NarrowTrain: forward and weight gradients, the input gradients of layers 2 and 3
        train_flops = 4.0 * (784 * 100 + 100 * 100 + 100 * 10) + 2.0 * (100 * 100 + 100 * 10)
    else:
        train_flops = 2 * (2.0 * (784 * 512 + 512 * 10)) + 2.0 * 512 * 10
    epoch_median = statistics.median(epoch_seconds)
    predict_median = statistics.median(predict_seconds)
    print(json.dumps({
        "impl": "pytorch",
        "network": args.network,
        "threads": args.threads,
        "epoch_s": round(epoch_median, 4),
        "epoch_s_min": round(min(epoch_seconds), 4),
        "epoch_model_gflops": round(train_flops * n / epoch_median / 1e9, 1),
        "test_accuracy": round(accuracy, 4),
        "forward_us": round(statistics.median(forward_us), 2),
        "forward_us_min": round(min(forward_us), 2),
        "predict_images_per_s": round(x_test.shape[0] / predict_median),
        "predict_images_per_s_max": round(x_test.shape[0] / min(predict_seconds)),
        "torch": torch.__version__,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
    }))


if __name__ == "__main__":
    main()
