namespace GenNet.Mnist;

/// <summary>
/// A command stopped by Ctrl+C or SIGTERM outside the training loop; the message is the one line that says what
/// was and was not written. Exit code 130 (SIGINT) or 143 (SIGTERM).
/// </summary>
internal sealed class InterruptedRunException(string message) : Exception(message);
