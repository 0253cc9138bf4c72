using static TorchSharp.torch;
var t = ones(2, 3);
Console.WriteLine(t.sum().item<float>());
return 0;
