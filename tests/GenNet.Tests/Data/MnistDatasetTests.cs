using GenNet.Data;

namespace GenNet.Tests.Data;

public class MnistDatasetTests
{
    private static void WriteSet(TempDirectory dir, int trainCount = 5, int testCount = 3, int testRows = 2, bool gzip = true,
        int trainLabelCount = -1)
    {
        void Write(string name, byte[] raw) =>
            File.WriteAllBytes(dir.File(gzip ? name + ".gz" : name), gzip ? IdxBytes.Gzip(raw) : raw);
        Write(MnistDataset.TrainImagesFile, IdxBytes.Images(trainCount, 2, 3));
        Write(MnistDataset.TrainLabelsFile, IdxBytes.Labels(Enumerable.Range(0, trainLabelCount < 0 ? trainCount : trainLabelCount).Select(i => (byte)(i % 10)).ToArray()));
        Write(MnistDataset.TestImagesFile, IdxBytes.Images(testCount, testRows, 3));
        Write(MnistDataset.TestLabelsFile, IdxBytes.Labels(Enumerable.Range(0, testCount).Select(i => (byte)(9 - i)).ToArray()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Loads_a_small_set_with_or_without_gz(bool gzip)
    {
        using var dir = new TempDirectory();
        WriteSet(dir, gzip: gzip);

        var data = MnistDataset.Load(dir.Path);

        Assert.Equal((5, 2, 3, 6), (data.Train.Count, data.Train.Rows, data.Train.Columns, data.Train.Features));
        Assert.Equal(30, data.Train.Pixels.Length);
        Assert.Equal([9, 8, 7], data.Test.Labels);
        Assert.Same(ClassNames.Digits, data.ClassNames);
        Assert.Equal(Path.GetFullPath(dir.Path), data.Directory);
    }

    [Fact]
    public void Missing_files_are_listed_with_the_directory()
    {
        using var dir = new TempDirectory();
        WriteSet(dir);
        File.Delete(dir.File(MnistDataset.TrainImagesFile + ".gz"));
        File.Delete(dir.File(MnistDataset.TestLabelsFile + ".gz"));

        var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(dir.Path));

        Assert.Contains("train-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
        Assert.DoesNotContain("train-labels", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, trainCount: 5, trainLabelCount: 4);
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(dir.Path));
        Assert.Contains("holds 5 images but train-labels-idx1-ubyte.gz holds 4 labels", e.Message);
    }

    [Fact]
    public void Train_and_test_image_sizes_must_agree()
    {
        using var dir = new TempDirectory();
        WriteSet(dir, testRows: 3);
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(dir.Path));
        Assert.Contains("2×3 but test images are 3×3", e.Message);
    }

    [Fact]
    public void Class_names_come_from_classes_txt_and_set_the_label_range()
    {
        using var dir = new TempDirectory();
        WriteSet(dir);
        File.WriteAllLines(dir.File(ClassNames.FileName), ["zero", " one ", "", "two"]);

        // Labels go up to 9, so three classes are too few.
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(dir.Path));
        Assert.Contains("outside the class range 0..2", e.Message);
        Assert.Equal(["zero", "one", "two"], ClassNames.ForDirectory(dir.Path));
    }

    [Fact]
    public void Fashion_in_the_path_selects_fashion_class_names()
    {
        using var dir = new TempDirectory();
        string fashion = Path.Combine(dir.Path, "Fashion-MNIST");
        Directory.CreateDirectory(fashion);
        Assert.Same(ClassNames.FashionMnist, ClassNames.ForDirectory(fashion));
        Assert.Same(ClassNames.Digits, ClassNames.ForDirectory(dir.Path));
    }

    [MnistDataFact]
    public void Real_mnist_loads_with_the_known_counts_labels_and_mean()
    {
        var data = MnistDataset.Load(SharedData.MnistDirectory!);

        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal((28, 28), (data.Train.Rows, data.Train.Columns));
        Assert.Equal([5, 0, 4, 1, 9], data.Train.Labels[..5]);
        Assert.Equal([7, 2, 1, 0, 4], data.Test.Labels[..5]);
        double sum = 0;
        foreach (float p in data.Train.Pixels)
        {
            sum += p;
        }
        Assert.Equal(0.1307, sum / data.Train.Pixels.Length, 3);
        Assert.Equal(ClassNames.Digits, data.ClassNames);
    }

    [FashionMnistFact]
    public void Fashion_mnist_from_the_debian_package_loads()
    {
        var data = MnistDataset.Load(SharedData.FashionMnistDirectory);

        Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        Assert.Equal(784, data.Test.Features);
        Assert.Equal(9, data.Train.Labels[0]); // the first training image is an ankle boot
        Assert.Same(ClassNames.FashionMnist, data.ClassNames);
    }
}
