// Splits a text such as UnikraftQemuArgs into words, honouring single and double quotes like a shell.
using System.Text;

namespace Unikraft.Launcher;

/// <summary>Shell-like word splitting without expansion: quotes group, a backslash escapes the next character.</summary>
public static class WordSplitter
{
    /// <summary>Splits <paramref name="text"/>; throws <see cref="UsageException"/> on an unclosed quote.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quote != '\0')
        {
            throw new UsageException($"unclosed {quote} in '{text}'.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
