namespace GenNet.Mnist;

/// <summary>An error in what the user asked for or gave us (options, files): printed without a stack trace, exit code 2.</summary>
public sealed class UserException(string message) : Exception(message);
