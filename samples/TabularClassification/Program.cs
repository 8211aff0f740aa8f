// Tabular classification: rows of 4 numeric features and a class name, read from a CSV file (Iris-shaped), trained
// with GenNet's general trainer. Without an argument it writes and reads a synthetic Iris-like file; give it a path
// to read your own (a header line, then "f1,f2,f3,f4,class" rows).
using GenNet;
using GenNet.Data;
using GenNet.Training;

string path = args.Length > 0 ? args[0] : FlowersCsv.WriteSynthetic(Path.Combine(Path.GetTempPath(), "gennet-flowers.csv"), seed: 7);
FlowersCsv table;
try
{
    table = FlowersCsv.Read(path);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot read {path}: {e.Message}");
    return 2;
}
if (table.ClassNames.Length != FlowerNet.OutputSize)
{
    Console.Error.WriteLine($"{path} has {table.ClassNames.Length} classes ({string.Join(", ", table.ClassNames)}); FlowerNet was built for {FlowerNet.OutputSize}.");
    return 2;
}

var all = Dataset.Classification(table.Features, table.Labels, features: 4, classCount: 3);
(Dataset train, Dataset test) = all.Split(validationFraction: 0.2, seed: 1);
FlowersCsv.Standardise(train.Inputs, test.Inputs, columns: 4); // with the training rows' means and deviations only
using var net = new FlowerNet(maxBatchSize: 16, seed: 1);
var sampler = new BatchSampler(train, batchSize: 16, new Rng(2));
var trainer = new Trainer(net, new Adam(FlowerNet.ParameterCount), sampler)
{
    ValidationSet = test,
    Schedule = new CosineSchedule(0.02f, totalSteps: 60 * sampler.BatchesPerEpoch),
    EpochCompleted = m =>
    {
        if (m.Epoch % 10 == 0)
            Console.WriteLine($"epoch {m.Epoch,3}  train loss {m.TrainLoss:F4}  held-out loss {m.ValidationLoss:F4}  held-out accuracy {m.ValidationAccuracy:P1}");
    },
};
TrainingResult result = trainer.Run(epochs: 60);
if (result.Status != TrainingStatus.Completed)
{
    Console.Error.WriteLine($"Training stopped in epoch {result.Epoch}: {result.Status}, {result.Message}");
    return 1;
}

int correct = net.Evaluate(test.Inputs, test.Labels, test.Count);
Console.WriteLine($"{path}: {all.Count} rows, classes {string.Join(", ", table.ClassNames)}");
Console.WriteLine($"held-out accuracy {100.0 * correct / test.Count:F1}% ({correct}/{test.Count})");
return 0;

// 4 standardised features → 16 tanh → 3 classes.
[Input(4)]
[Dense(16, Activation.Tanh)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class FlowerNet;
