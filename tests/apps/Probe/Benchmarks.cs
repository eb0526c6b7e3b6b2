// Five programs of the Computer Language Benchmarks Game, written from the games' descriptions (single-threaded,
// output formatted as the game asks), for comparing their output in the unikernel with the native program's.
using System.Globalization;

static class Benchmarks
{
    public static int Run(string name, int n) => name switch
    {
        "binary-trees" => BinaryTrees(n),
        "fannkuch-redux" => FannkuchRedux(n),
        "mandelbrot" => Mandelbrot(n),
        "n-body" => NBody(n),
        "spectral-norm" => SpectralNorm(n),
        _ => 64,
    };

    private sealed class Node(Node? left, Node? right)
    {
        public int Check() => 1 + (left is null ? 0 : left.Check() + right!.Check());
    }

    private static Node Tree(int depth) => depth == 0 ? new Node(null, null) : new Node(Tree(depth - 1), Tree(depth - 1));

    private static int BinaryTrees(int n)
    {
        int maxDepth = Math.Max(6, n);
        var output = Console.Out;
        output.WriteLine($"stretch tree of depth {maxDepth + 1}\t check: {Tree(maxDepth + 1).Check()}");
        Node longLived = Tree(maxDepth);
        for (int depth = 4; depth <= maxDepth; depth += 2)
        {
            int iterations = 1 << (maxDepth - depth + 4);
            int check = 0;
            for (int i = 0; i < iterations; i++)
            {
                check += Tree(depth).Check();
            }

            output.WriteLine($"{iterations}\t trees of depth {depth}\t check: {check}");
        }

        output.WriteLine($"long lived tree of depth {maxDepth}\t check: {longLived.Check()}");
        return 0;
    }

    private static int FannkuchRedux(int n)
    {
        int[] perm = new int[n], perm1 = new int[n], count = new int[n];
        for (int i = 0; i < n; i++)
        {
            perm1[i] = i;
        }

        int maxFlips = 0, checksum = 0, permIndex = 0, r = n;
        while (true)
        {
            for (; r != 1; r--)
            {
                count[r - 1] = r;
            }

            Array.Copy(perm1, perm, n);
            int flips = 0;
            for (int k = perm[0]; k != 0; k = perm[0])
            {
                Array.Reverse(perm, 0, k + 1);
                flips++;
            }

            maxFlips = Math.Max(maxFlips, flips);
            checksum += permIndex % 2 == 0 ? flips : -flips;
            while (true)
            {
                if (r == n)
                {
                    Console.Out.Write($"{checksum}\nPfannkuchen({n}) = {maxFlips}\n");
                    return 0;
                }

                int first = perm1[0];
                Array.Copy(perm1, 1, perm1, 0, r);
                perm1[r] = first;
                if (--count[r] > 0)
                {
                    break;
                }

                r++;
            }

            permIndex++;
        }
    }

    private static int Mandelbrot(int n)
    {
        using Stream stdout = Console.OpenStandardOutput();
        stdout.Write(System.Text.Encoding.ASCII.GetBytes($"P4\n{n} {n}\n"));
        int rowBytes = (n + 7) / 8;
        byte[] row = new byte[rowBytes];
        for (int y = 0; y < n; y++)
        {
            Array.Clear(row);
            double ci = 2.0 * y / n - 1.0;
            for (int x = 0; x < n; x++)
            {
                double cr = 2.0 * x / n - 1.5, zr = 0, zi = 0, tr = 0, ti = 0;
                int i = 0;
                for (; i < 50 && tr + ti <= 4.0; i++)
                {
                    zi = 2.0 * zr * zi + ci;
                    zr = tr - ti + cr;
                    tr = zr * zr;
                    ti = zi * zi;
                }

                if (tr + ti <= 4.0)
                {
                    row[x >> 3] |= (byte)(0x80 >> (x & 7));
                }
            }

            stdout.Write(row);
        }

        return 0;
    }

    private static int NBody(int n)
    {
        const double pi = Math.PI, solarMass = 4 * pi * pi, daysPerYear = 365.24;
        double[][] b =
        [
            [0, 0, 0, 0, 0, 0, solarMass],
            [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * daysPerYear,
             7.69901118419740425e-03 * daysPerYear, -6.90460016972063023e-05 * daysPerYear, 9.54791938424326609e-04 * solarMass],
            [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * daysPerYear,
             4.99852801234917238e-03 * daysPerYear, 2.30417297573763929e-05 * daysPerYear, 2.85885980666130812e-04 * solarMass],
            [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * daysPerYear,
             2.37847173959480950e-03 * daysPerYear, -2.96589568540237556e-05 * daysPerYear, 4.36624404335156298e-05 * solarMass],
            [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * daysPerYear,
             1.62824170038242295e-03 * daysPerYear, -9.51592254519715870e-05 * daysPerYear, 5.15138902046611451e-05 * solarMass],
        ];
        double px = 0, py = 0, pz = 0;
        foreach (double[] body in b)
        {
            px += body[3] * body[6];
            py += body[4] * body[6];
            pz += body[5] * body[6];
        }

        b[0][3] = -px / solarMass;
        b[0][4] = -py / solarMass;
        b[0][5] = -pz / solarMass;
        Console.Out.WriteLine(Energy(b).ToString("F9", CultureInfo.InvariantCulture));
        for (int step = 0; step < n; step++)
        {
            for (int i = 0; i < b.Length; i++)
            {
                for (int j = i + 1; j < b.Length; j++)
                {
                    double dx = b[i][0] - b[j][0], dy = b[i][1] - b[j][1], dz = b[i][2] - b[j][2];
                    double d2 = dx * dx + dy * dy + dz * dz;
                    double mag = 0.01 / (d2 * Math.Sqrt(d2));
                    b[i][3] -= dx * b[j][6] * mag;
                    b[i][4] -= dy * b[j][6] * mag;
                    b[i][5] -= dz * b[j][6] * mag;
                    b[j][3] += dx * b[i][6] * mag;
                    b[j][4] += dy * b[i][6] * mag;
                    b[j][5] += dz * b[i][6] * mag;
                }
            }

            foreach (double[] body in b)
            {
                body[0] += 0.01 * body[3];
                body[1] += 0.01 * body[4];
                body[2] += 0.01 * body[5];
            }
        }

        Console.Out.WriteLine(Energy(b).ToString("F9", CultureInfo.InvariantCulture));
        return 0;
    }

    private static double Energy(double[][] b)
    {
        double e = 0;
        for (int i = 0; i < b.Length; i++)
        {
            e += 0.5 * b[i][6] * (b[i][3] * b[i][3] + b[i][4] * b[i][4] + b[i][5] * b[i][5]);
            for (int j = i + 1; j < b.Length; j++)
            {
                double dx = b[i][0] - b[j][0], dy = b[i][1] - b[j][1], dz = b[i][2] - b[j][2];
                e -= b[i][6] * b[j][6] / Math.Sqrt(dx * dx + dy * dy + dz * dz);
            }
        }

        return e;
    }

    private static int SpectralNorm(int n)
    {
        double[] u = new double[n], v = new double[n], t = new double[n];
        Array.Fill(u, 1.0);
        for (int i = 0; i < 10; i++)
        {
            AtAv(u, v, t);
            AtAv(v, u, t);
        }

        double vBv = 0, vv = 0;
        for (int i = 0; i < n; i++)
        {
            vBv += u[i] * v[i];
            vv += v[i] * v[i];
        }

        Console.Out.WriteLine(Math.Sqrt(vBv / vv).ToString("F9", CultureInfo.InvariantCulture));
        return 0;
    }

    private static double A(int i, int j) => 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);

    private static void Av(double[] x, double[] y, bool transpose)
    {
        for (int i = 0; i < y.Length; i++)
        {
            double sum = 0;
            for (int j = 0; j < x.Length; j++)
            {
                sum += (transpose ? A(j, i) : A(i, j)) * x[j];
            }

            y[i] = sum;
        }
    }

    private static void AtAv(double[] x, double[] y, double[] t)
    {
        Av(x, t, false);
        Av(t, y, true);
    }
}
