// Regression: fit f(x) = sin(3x)·exp(−x²/2) on [−3, 3] from 2,000 noisy samples with GenNet's general trainer,
// stop early when the held-out loss stops improving, then save the model and answer from an inference-only copy.
using GenNet;
using GenNet.Data;
using GenNet.Serialization;
using GenNet.Training;

static float F(float x) => MathF.Sin(3 * x) * MathF.Exp(-x * x / 2);

var rng = new Rng(1);
var inputs = new float[2000];
var targets = new float[2000];
for (int i = 0; i < inputs.Length; i++)
{
    inputs[i] = 6 * rng.NextFloat() - 3;
    targets[i] = F(inputs[i]) + 0.02f * rng.NextGaussian();
}
// 70% to train on, 15% that early stopping watches, 15% to measure the result on.
(Dataset train, Dataset heldOut) = Dataset.Regression(inputs, targets, features: 1).Split(validationFraction: 0.3, seed: 2);
(Dataset validation, Dataset test) = heldOut.Split(validationFraction: 0.5, seed: 5);

using var net = new CurveNet(maxBatchSize: 32, seed: 3);
var trainer = new Trainer(net, new Adam(CurveNet.ParameterCount, learningRate: 0.01f), new BatchSampler(train, 32, new Rng(4)))
{
    ValidationSet = validation,
    EarlyStopping = new EarlyStopping(CurveNet.ParameterCount, patience: 30),
    EpochCompleted = m =>
    {
        if (m.Epoch % 25 == 0)
            Console.WriteLine($"epoch {m.Epoch,3}  train MSE {m.TrainLoss:F5}  validation MSE {m.ValidationLoss:F5}");
    },
};
TrainingResult result = trainer.Run(epochs: 300);
if (result.Status is not (TrainingStatus.Completed or TrainingStatus.EarlyStopped))
{
    Console.Error.WriteLine($"Training stopped in epoch {result.Epoch}: {result.Status}, {result.Message}");
    return 1;
}
Console.WriteLine($"{result.Status} after epoch {result.Epoch}; test MSE {net.Loss(test.Inputs, test.Targets, test.Count):F5}");

// A model file, loaded into a network built for prediction only (no gradient buffers, no optimizer).
string model = Path.Combine(Path.GetTempPath(), "gennet-curve.gnm");
ModelFile.Save(net, model);
using var predictor = CurveNet.ForInference();
ModelFile.Load(predictor, model);
var answer = new float[1];
foreach (float x in new[] { -2.5f, -1f, 0.5f, 2f })
{
    predictor.Forward([x], answer);
    Console.WriteLine($"f({x,4}) = {F(x),7:F4}   network {answer[0],7:F4}");
}
return 0;

// 1 → 32 → 32 → 1, tanh: smooth like the function it fits.
[Input(1)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1)]
[MeanSquaredError]
public partial class CurveNet;
